package server_test

// Hostile requests over real HTTP: the real handler in a real http.Server on
// 127.0.0.1, built as the binary builds it (server.HTTPServer), with short
// timeouts. Every refusal must be a coded GraphQL error that comes in under
// a second, without a stack trace, and the server must keep serving.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/server"
)

// fast is how long a refusal may take: a second, raceSlowdown times that
// under the race detector (which makes Go code 2 to 20 times slower).
const fast = time.Second * raceSlowdown

type hostileEnv struct {
	env       env
	url, addr string
	timeouts  server.Timeouts
	maxBody   int64
	errLog    *syncBuffer // the http.Server's own log (panics would land here)

	mu     sync.Mutex
	closed map[string]time.Time // client address → when the server closed its connection
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func startHostile(t *testing.T, mutate ...func(*server.Options)) *hostileEnv {
	t.Helper()
	return startHostileWith(t, server.Timeouts{ReadHeader: 300 * time.Millisecond, Read: 500 * time.Millisecond, Write: 500 * time.Millisecond, Idle: 10 * time.Second}, mutate...)
}

// startHostileWith starts a hostile env with other timeouts than the short ones.
func startHostileWith(t *testing.T, timeouts server.Timeouts, mutate ...func(*server.Options)) *hostileEnv {
	t.Helper()
	h := &hostileEnv{
		timeouts: timeouts,
		maxBody:  256 << 10,
		errLog:   &syncBuffer{},
		closed:   map[string]time.Time{},
	}
	e := newEnv(t, func(o *server.Options) {
		o.MaxBodyBytes = h.maxBody
		o.RateLimits = server.RateLimits{} // floods here are refused by size and cost, not by rate
		for _, m := range mutate {
			m(o)
		}
	})
	h.env = e
	srv := server.HTTPServer(e.handler, h.timeouts)
	srv.ErrorLog = log.New(h.errLog, "", 0)
	srv.ConnState = func(c net.Conn, s http.ConnState) {
		if s == http.StateClosed || s == http.StateHijacked {
			h.mu.Lock()
			h.closed[c.RemoteAddr().String()] = time.Now()
			h.mu.Unlock()
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() {
		srv.Close()
		if s := h.errLog.String(); strings.Contains(s, "panic") || strings.Contains(s, "goroutine ") {
			t.Errorf("the server logged a panic:\n%s", s)
		}
	})
	h.addr = ln.Addr().String()
	h.url = "http://" + h.addr
	return h
}

// closedAt reports when the server closed the connection from a client address.
func (h *hostileEnv) closedAt(client string) (time.Time, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	at, ok := h.closed[client]
	return at, ok
}

// stillServes proves the server answers an ordinary search afterwards.
func (h *hostileEnv) stillServes(t *testing.T) {
	t.Helper()
	c := &http.Client{Timeout: 5 * time.Second}
	body := `{"query":"{ searchPractices(query: \"wijk\", first: 1) { total } }"}`
	resp, err := c.Post(h.url+"/graphql", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatalf("the server no longer serves: %v", err)
	}
	defer resp.Body.Close()
	var out struct {
		Data   *struct{ SearchPractices struct{ Total int } }
		Errors []any
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out.Data == nil || len(out.Errors) > 0 {
		t.Fatalf("the server no longer serves: status %d, %v, %+v", resp.StatusCode, err, out)
	}
}

// answer is a GraphQL answer to a hostile request.
type answer struct {
	status int
	body   string
	took   time.Duration
}

// codes returns the extensions.code of every error in the answer.
func (a answer) codes(t *testing.T) []string {
	t.Helper()
	var out struct {
		Errors []struct {
			Message    string
			Extensions map[string]any
		}
	}
	if err := json.Unmarshal([]byte(a.body), &out); err != nil {
		t.Fatalf("answer is not JSON (status %d): %v\n%.300s", a.status, err, a.body)
	}
	var codes []string
	for _, e := range out.Errors {
		code, _ := e.Extensions["code"].(string)
		codes = append(codes, code)
	}
	return codes
}

// wantRefused checks a refusal: the status (0: any below 500; a
// well-formed request that does not run answers 200 in application/json),
// one coded error of the code, fast, no stack trace, and no echo of
// a large request.
func (a answer) wantRefused(t *testing.T, status int, code string) {
	t.Helper()
	if (status != 0 && a.status != status) || a.status >= 500 {
		t.Errorf("status %d, want %d\n%.300s", a.status, status, a.body)
	}
	codes := a.codes(t)
	if len(codes) == 0 || codes[0] != code {
		t.Errorf("codes %v, want %s\n%.300s", codes, code, a.body)
	}
	if a.took > fast {
		t.Errorf("the refusal took %v, want < %v", a.took, fast)
	}
	if strings.Contains(a.body, "goroutine ") || strings.Contains(a.body, ".go:") {
		t.Errorf("stack trace in the answer:\n%s", a.body)
	}
	if len(a.body) > 4<<10 {
		t.Errorf("the refusal is %d bytes long (an echo of the request?)", len(a.body))
	}
}

func (h *hostileEnv) post(t *testing.T, contentType string, body []byte) answer {
	t.Helper()
	start := time.Now()
	resp, err := http.Post(h.url+"/graphql", contentType, bytes.NewReader(body))
	if err != nil {
		t.Fatalf("post: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{status: resp.StatusCode, body: string(b), took: time.Since(start)}
}

func (h *hostileEnv) query(t *testing.T, q string, vars map[string]any) answer {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": q, "variables": vars})
	if err != nil {
		t.Fatal(err)
	}
	return h.post(t, "application/json", body)
}

// readAnswer reads one HTTP answer from a raw connection.
func readAnswer(t *testing.T, conn net.Conn, start time.Time) answer {
	t.Helper()
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer after %v: %v", time.Since(start), err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{status: resp.StatusCode, body: string(b), took: time.Since(start)}
}

func TestHostileBodies(t *testing.T) {
	h := startHostile(t)
	tests := []struct {
		name        string
		contentType string
		body        string
		status      int
	}{
		{"malformed JSON", "application/json", `{"query": "{ actionPlan { regions { id } } }"`, http.StatusBadRequest},
		{"not JSON at all", "application/json", "hallo, ik ben geen JSON", http.StatusBadRequest},
		{"JSON but not an object", "application/json", `"{ __typename }"`, http.StatusBadRequest},
		{"binary garbage", "application/json", "\x00\xff\xfe{\x01", http.StatusBadRequest},
		{"no query", "application/json", `{"variables": {}}`, 0},
		{"query of the wrong type", "application/json", `{"query": 42}`, http.StatusBadRequest},
		{"plain text", "text/plain", "{ __typename }", http.StatusUnsupportedMediaType},
		{"form", "application/x-www-form-urlencoded", "query=%7B__typename%7D", http.StatusUnsupportedMediaType},
		{"no content type", "", `{"query":"{ __typename }"}`, http.StatusUnsupportedMediaType},
		{"batched operations", "application/json", `[{"query":"{ __typename }"},{"query":"{ __typename }"}]`, http.StatusBadRequest},
		{"large malformed JSON is not echoed", "application/json", `{"query": "` + strings.Repeat("x", 200<<10), http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h.post(t, tt.contentType, []byte(tt.body)).wantRefused(t, tt.status, "BAD_USER_INPUT")
			h.stillServes(t)
		})
	}
	t.Run("other methods", func(t *testing.T) {
		for _, m := range []string{http.MethodPut, http.MethodDelete, http.MethodPatch} {
			start := time.Now()
			req, _ := http.NewRequest(m, h.url+"/graphql", strings.NewReader(`{"query":"{ __typename }"}`))
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			answer{status: resp.StatusCode, body: string(b), took: time.Since(start)}.wantRefused(t, http.StatusMethodNotAllowed, "BAD_USER_INPUT")
		}
		h.stillServes(t)
	})
}

func TestHostileBodyOverTheLimit(t *testing.T) {
	h := startHostile(t)
	t.Run("announced huge, sent slowly: answered before the body", func(t *testing.T) {
		conn, err := net.Dial("tcp", h.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		start := time.Now()
		fmt.Fprintf(conn, "POST /graphql HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n{\"query\":\"", h.addr, 1<<30)
		stop := make(chan struct{})
		defer close(stop)
		go func() { // a trickle of the gigabyte, never all of it
			for {
				select {
				case <-stop:
					return
				case <-time.After(50 * time.Millisecond):
					if _, err := conn.Write([]byte("x")); err != nil {
						return
					}
				}
			}
		}()
		readAnswer(t, conn, start).wantRefused(t, http.StatusRequestEntityTooLarge, "BAD_USER_INPUT")
		h.stillServes(t)
	})
	t.Run("unannounced (chunked) over the limit", func(t *testing.T) {
		start := time.Now()
		pr, pw := io.Pipe()
		go func() {
			pw.Write([]byte(`{"query":"{ __typename }","variables":{"x":"`))
			chunk := bytes.Repeat([]byte("x"), 32<<10)
			for i := 0; i < 64; i++ { // 2 MiB, eight times the limit
				if _, err := pw.Write(chunk); err != nil {
					return
				}
			}
			pw.Write([]byte(`"}}`))
			pw.Close()
		}()
		req, _ := http.NewRequest(http.MethodPost, h.url+"/graphql", pr)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		pr.Close()
		answer{status: resp.StatusCode, body: string(b), took: time.Since(start)}.wantRefused(t, http.StatusRequestEntityTooLarge, "BAD_USER_INPUT")
		h.stillServes(t)
	})
	t.Run("huge variables within the body limit", func(t *testing.T) {
		long := strings.Repeat("zorg ", 40<<10) // 200 KiB
		q := `query($q: String) { searchPractices(query: $q) { total } }`
		h.query(t, q, map[string]any{"q": long}).wantRefused(t, 0, "BAD_USER_INPUT")
		regions := make([]string, 20000)
		for i := range regions {
			regions[i] = fmt.Sprintf("r%d", i)
		}
		q = `query($f: PracticeFilter) { searchPractices(filter: $f) { total } }`
		h.query(t, q, map[string]any{"f": map[string]any{"regions": regions}}).wantRefused(t, 0, "BAD_USER_INPUT")
		nested := `{"query":"query($v: String) { searchPractices(query: $v) { total } }","variables":{"v":` +
			strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}}`
		h.post(t, "application/json", []byte(nested)).wantRefused(t, http.StatusOK, "BAD_USER_INPUT") // nested too deep, before decoding
		h.stillServes(t)
	})
}

func TestHostileQueries(t *testing.T) {
	h := startHostile(t)
	deep := "{ actionPlan { challenges " + strings.Repeat("{ actions { challenge ", 20) + "{ id }" + strings.Repeat(" } }", 20) + " } }"
	var aliases strings.Builder
	aliases.WriteString("{")
	for i := range 500 {
		fmt.Fprintf(&aliases, ` a%d: searchPractices(query: "zorg %d", first: 100) { total edges { node { title description } } }`, i, i)
	}
	aliases.WriteString("}")
	var searches strings.Builder
	searches.WriteString("{")
	for i := range 300 {
		fmt.Fprintf(&searches, ` s%d: searchPractices(query: "jongeren %d") { total }`, i, i)
	}
	searches.WriteString("}")
	var typenames strings.Builder
	typenames.WriteString("{")
	for i := range 12000 {
		fmt.Fprintf(&typenames, " t%d: __typename", i)
	}
	typenames.WriteString("}")
	var same strings.Builder
	same.WriteString("{")
	for range 12000 {
		same.WriteString(" __typename")
	}
	same.WriteString("}")
	var bomb strings.Builder // 2^40 fields once expanded, in 2 KiB
	bomb.WriteString("query { ...F0 }\n")
	for i := range 40 {
		fmt.Fprintf(&bomb, "fragment F%d on Query { ...F%d ...F%d }\n", i, i+1, i+1)
	}
	bomb.WriteString("fragment F40 on Query { actionPlan { regions { id } } }\n")
	tests := []struct {
		name  string
		query string
		vars  map[string]any
	}{
		{"deep query", deep, nil},
		{"nesting beyond any parser", strings.Repeat("{ a ", 40000) + strings.Repeat("}", 40000), nil},
		{"alias flood with pages", aliases.String(), nil},
		{"field flood", typenames.String(), nil},
		{"one field twelve thousand times", same.String(), nil},
		{"fragment bomb", bomb.String(), nil},
		{"first far over the cap", `{ searchPractices(first: 1000000) { total } }`, nil},
		{"first over the 32-bit range", `{ searchPractices(first: 99999999999) { total } }`, nil},
		{"first as a variable", `query($n: Int) { searchPractices(first: $n) { total } }`, map[string]any{"n": 5000}},
		{"negative first", `{ searchPractices(first: -1) { total } }`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := h.query(t, tt.query, tt.vars)
			a.wantRefused(t, 0, "BAD_USER_INPUT")
			if strings.HasPrefix(tt.name, "first") && !strings.Contains(a.body, "first mag hoogstens 100") && !strings.Contains(a.body, "32-bit") {
				t.Errorf("no Dutch message about first: %.300s", a.body)
			}
			h.stillServes(t)
		})
	}
	t.Run("hundreds of searches: the complexity limit", func(t *testing.T) {
		a := h.query(t, searches.String(), nil)
		a.wantRefused(t, 0, "BAD_USER_INPUT")
		if !strings.Contains(a.body, "COMPLEXITY_LIMIT_EXCEEDED") {
			t.Errorf("not refused by the complexity limit: %.300s", a.body)
		}
		if !strings.Contains(a.body, "de vraag is te zwaar") || !strings.Contains(a.body, `"detail":"operation has complexity`) {
			t.Errorf("no Dutch message with the figures as detail: %.300s", a.body)
		}
		h.stillServes(t)
	})
}

func TestHostileGETQueries(t *testing.T) {
	h := startHostile(t)
	start := time.Now()
	q := strings.Repeat("{ a ", 5000) + strings.Repeat("}", 5000)
	resp, err := http.Get(h.url + "/graphql?query=" + url.QueryEscape(q))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	answer{status: resp.StatusCode, body: string(b), took: time.Since(start)}.wantRefused(t, 0, "BAD_USER_INPUT")
	h.stillServes(t)
}

func TestHostileTransportErrors(t *testing.T) {
	h := startHostile(t)
	get := func(t *testing.T, path string) answer {
		t.Helper()
		start := time.Now()
		resp, err := http.Get(h.url + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return answer{status: resp.StatusCode, body: string(b), took: time.Since(start)}
	}
	get(t, "/graphql").wantRefused(t, 0, "BAD_USER_INPUT")
	get(t, "/graphql?query="+url.QueryEscape("{ __typename }")+"&variables=%7B").wantRefused(t, 0, "BAD_USER_INPUT")
	get(t, "/graphql?query="+url.QueryEscape(`mutation { createPlatformToken(region: "limburg") { token } }`)).wantRefused(t, 0, "BAD_USER_INPUT")
	h.post(t, "multipart/form-data; boundary=x", []byte("geen multipart")).wantRefused(t, 0, "BAD_USER_INPUT")
	h.stillServes(t)
}

func TestHostileSlowClients(t *testing.T) {
	h := startHostile(t)
	// bound is how long the server may let a slow client hold a connection.
	bound := func(d time.Duration) time.Duration { return d + 500*time.Millisecond }

	t.Run("slowloris headers", func(t *testing.T) {
		conn, err := net.Dial("tcp", h.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		start := time.Now()
		fmt.Fprintf(conn, "POST /graphql HTTP/1.1\r\nHost: %s\r\n", h.addr)
		go func() {
			for i := 0; ; i++ {
				time.Sleep(50 * time.Millisecond)
				if _, err := fmt.Fprintf(conn, "X-Langzaam-%d: ja\r\n", i); err != nil {
					return
				}
			}
		}()
		conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		b, _ := io.ReadAll(conn) // until the server closes
		if took := time.Since(start); took > bound(h.timeouts.ReadHeader) {
			t.Errorf("the connection was held %v, want ≤ %v", took, bound(h.timeouts.ReadHeader))
		}
		if len(b) > 0 && !strings.HasPrefix(string(b), "HTTP/1.1 408") && !strings.HasPrefix(string(b), "HTTP/1.1 400") {
			t.Errorf("unexpected answer to slow headers: %.200q", b)
		}
		h.stillServes(t)
	})

	t.Run("slow body", func(t *testing.T) {
		conn, err := net.Dial("tcp", h.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		start := time.Now()
		body := `{"query":"{ __typename }"}`
		fmt.Fprintf(conn, "POST /graphql HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", h.addr, len(body))
		go func() {
			for i := 0; i < len(body)-1; i++ { // one byte short, slowly
				time.Sleep(60 * time.Millisecond)
				if _, err := conn.Write([]byte{body[i]}); err != nil {
					return
				}
			}
		}()
		conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		took := time.Since(start)
		if took > bound(h.timeouts.Read) {
			t.Errorf("the connection was held %v, want ≤ %v", took, bound(h.timeouts.Read))
		}
		if err == nil { // an answer, if any, is a coded error
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			answer{status: resp.StatusCode, body: string(b), took: took}.wantRefused(t, http.StatusRequestTimeout, "BAD_USER_INPUT")
		}
		h.stillServes(t)
	})

	t.Run("a client that never reads its answers", func(t *testing.T) {
		// Pipelined requests whose answers (about 3 MB each) fill every
		// buffer between server and client; the write timeout must free the
		// server's connection.
		var q strings.Builder
		q.WriteString("{")
		for i := range 100 {
			fmt.Fprintf(&q, " a%d: actionPlan { challenges { id name actions { id title initiatives { id text } } } }", i)
		}
		q.WriteString("}")
		d := net.Dialer{Control: func(_, _ string, c syscall.RawConn) error {
			return c.Control(func(fd uintptr) { syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096) })
		}}
		conn, err := d.Dial("tcp", h.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		client := conn.LocalAddr().String()
		// The write timeout runs from the request; it cannot free the
		// connection before the answer is computed, which takes a while
		// under -race on a busy machine: measure that first.
		computeStart := time.Now()
		if resp, err := http.Get("http://" + h.addr + "/graphql?query=" + url.QueryEscape(q.String())); err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		compute := time.Since(computeStart)
		start := time.Now()
		req := fmt.Sprintf("GET /graphql?query=%s HTTP/1.1\r\nHost: %s\r\n\r\n", url.QueryEscape(q.String()), h.addr)
		if _, err := io.WriteString(conn, strings.Repeat(req, 20)); err != nil {
			t.Fatal(err)
		}
		deadline := start.Add(5*time.Second + 2*compute)
		for {
			if at, ok := h.closedAt(client); ok {
				if took := at.Sub(start); took > bound(h.timeouts.Write)+500*time.Millisecond+compute {
					t.Errorf("the server held the connection of a client that does not read for %v", took)
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the server still holds the connection of a client that does not read, after %v", time.Since(start))
			}
			h.stillServes(t) // others are served meanwhile
			time.Sleep(50 * time.Millisecond)
		}
		h.stillServes(t)
	})
}
