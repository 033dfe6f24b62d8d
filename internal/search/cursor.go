package search

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"math"
	"strconv"
	"strings"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/refusal"
)

// Cursors: base64url of {"v":1,"s":sort,"k":[key, id]} plus a checksum, so a
// truncated or hand-made cursor is refused rather than misread.

const cursorVersion = 1

type cursor struct {
	V int      `json:"v"`
	S Sort     `json:"s"`
	K []string `json:"k"`
}

func encodeCursor(s Sort, key, id string) string {
	b, _ := json.Marshal(cursor{V: cursorVersion, S: s, K: []string{key, id}})
	sum := sha256.Sum256(b)
	return base64.RawURLEncoding.EncodeToString(append(b, sum[:4]...))
}

func decodeCursor(c string, s Sort) ([]string, error) {
	bad := refusal.New(ErrCursor, "unreadable", "onleesbare cursor; gebruik een cursor uit een eerder antwoord")
	if len(c) > 2048 {
		return nil, bad
	}
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(raw) < 5 {
		return nil, bad
	}
	body, sum := raw[:len(raw)-4], raw[len(raw)-4:]
	if want := sha256.Sum256(body); string(want[:4]) != string(sum) {
		return nil, bad
	}
	var cur cursor
	if err := json.Unmarshal(body, &cur); err != nil || cur.V != cursorVersion || len(cur.K) != 2 || cur.K[1] == "" {
		return nil, bad
	}
	if cur.S != s {
		return nil, refusal.New(ErrCursor, "of sort order "+string(cur.S), "deze cursor hoort bij sortering "+string(cur.S))
	}
	if s == SortRelevance {
		f, err := strconv.ParseFloat(strings.TrimPrefix(cur.K[0], windowKeyPrefix), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, bad
		}
	}
	return cur.K, nil
}
