package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// A platform's session on /indienen is a signed cookie, not server state:
//
//	pkb_sessie = base64url("v1|<sid>|<token hash>|<expiry unix>") "." base64url(HMAC-SHA256)
//
// The token hash is the SHA-256 the store keeps of the token (never the
// token itself), so every request looks the token up again: revoking it ends
// its sessions at once, on every replica. The HMAC key is shared by replicas
// that are given the same key (server option SessionKey); without one each
// process draws its own, and a restart signs everyone out. Signing out drops
// the cookie and remembers the session id until it expires, in this process
// only: on another replica a copied cookie lasts until its expiry (8 hours)
// unless the token is revoked.
//
// Every form carries a CSRF token derived from the session id (or, on the
// sign-in form, from a short-lived pre-session cookie), besides the cookies
// being SameSite=Strict.
const (
	sessionCookie = "pkb_sessie"
	preCookie     = "pkb_aanmelden" // before sign-in: binds the sign-in form's CSRF token
	cookiePath    = "/indienen"
	sessionTTL    = 8 * time.Hour
	preTTL        = time.Hour
)

type sessions struct {
	key        []byte
	trustProxy bool // X-Forwarded-Proto: https counts as TLS
	now        func() time.Time

	mu      sync.Mutex
	signOut map[string]time.Time // session id -> its expiry
}

func newSessions(key []byte, trustProxy bool) *sessions {
	if len(key) == 0 {
		key = make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			panic(err) // crypto/rand does not fail on supported platforms
		}
	}
	return &sessions{key: key, trustProxy: trustProxy, now: time.Now, signOut: map[string]time.Time{}}
}

// session is a signed-in platform's session as read from its cookie.
type session struct {
	sid       string
	tokenHash string
	expires   time.Time
}

func (s *sessions) mac(parts ...string) []byte {
	m := hmac.New(sha256.New, s.key)
	for _, p := range parts {
		m.Write([]byte(p))
		m.Write([]byte{0})
	}
	return m.Sum(nil)
}

func randomID() string {
	b := make([]byte, 18)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func (s *sessions) secure(r *http.Request) bool {
	return r.TLS != nil || (s.trustProxy && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https"))
}

func (s *sessions) setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge time.Duration) {
	c := &http.Cookie{
		Name: name, Value: value, Path: cookiePath, HttpOnly: true, SameSite: http.SameSiteStrictMode,
		Secure: s.secure(r), MaxAge: int(maxAge.Seconds()),
	}
	if maxAge < 0 {
		c.MaxAge = -1
	}
	http.SetCookie(w, c)
}

// start signs a new session in for the token with the given hash.
func (s *sessions) start(w http.ResponseWriter, r *http.Request, tokenHash string) session {
	se := session{sid: randomID(), tokenHash: tokenHash, expires: s.now().Add(sessionTTL)}
	payload := strings.Join([]string{"v1", se.sid, se.tokenHash, strconv.FormatInt(se.expires.Unix(), 10)}, "|")
	value := base64.RawURLEncoding.EncodeToString([]byte(payload)) + "." + base64.RawURLEncoding.EncodeToString(s.mac("session", payload))
	s.setCookie(w, r, sessionCookie, value, sessionTTL)
	s.setCookie(w, r, preCookie, "", -1)
	return se
}

// read returns the request's session, if its cookie is valid, unexpired and
// not signed out.
func (s *sessions) read(r *http.Request) (session, bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || len(c.Value) > 512 {
		return session{}, false
	}
	enc, sig, ok := strings.Cut(c.Value, ".")
	if !ok {
		return session{}, false
	}
	payload, err1 := base64.RawURLEncoding.DecodeString(enc)
	mac, err2 := base64.RawURLEncoding.DecodeString(sig)
	if err1 != nil || err2 != nil || !hmac.Equal(mac, s.mac("session", string(payload))) {
		return session{}, false
	}
	parts := strings.Split(string(payload), "|")
	if len(parts) != 4 || parts[0] != "v1" {
		return session{}, false
	}
	exp, err := strconv.ParseInt(parts[3], 10, 64)
	if err != nil {
		return session{}, false
	}
	se := session{sid: parts[1], tokenHash: parts[2], expires: time.Unix(exp, 0)}
	if !s.now().Before(se.expires) {
		return session{}, false
	}
	s.mu.Lock()
	_, out := s.signOut[se.sid]
	s.mu.Unlock()
	if out {
		return session{}, false
	}
	return se, true
}

// end signs a session out: the cookie is dropped and the id remembered until
// it would have expired.
func (s *sessions) end(w http.ResponseWriter, r *http.Request, se session) {
	now := s.now()
	s.mu.Lock()
	for id, exp := range s.signOut {
		if !now.Before(exp) {
			delete(s.signOut, id)
		}
	}
	s.signOut[se.sid] = se.expires
	s.mu.Unlock()
	s.setCookie(w, r, sessionCookie, "", -1)
}

// csrf is the CSRF token of a session's forms.
func (s *sessions) csrf(se session) string {
	return hex.EncodeToString(s.mac("csrf", se.sid)[:16])
}

// checkCSRF compares a form's CSRF token with the session's in constant time.
func (s *sessions) checkCSRF(se session, got string) bool {
	return subtle.ConstantTimeCompare([]byte(got), []byte(s.csrf(se))) == 1
}

// preSession returns the CSRF token of the sign-in form, setting the
// pre-session cookie it is bound to when there is none.
func (s *sessions) preSession(w http.ResponseWriter, r *http.Request) string {
	id := ""
	if c, err := r.Cookie(preCookie); err == nil && len(c.Value) >= 16 && len(c.Value) <= 64 {
		id = c.Value
	} else {
		id = randomID()
		s.setCookie(w, r, preCookie, id, preTTL)
	}
	return hex.EncodeToString(s.mac("login", id)[:16])
}

// checkPreSession checks the sign-in form's CSRF token against the
// pre-session cookie.
func (s *sessions) checkPreSession(r *http.Request, got string) bool {
	c, err := r.Cookie(preCookie)
	if err != nil || len(c.Value) < 16 || len(c.Value) > 64 {
		return false
	}
	want := hex.EncodeToString(s.mac("login", c.Value)[:16])
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}
