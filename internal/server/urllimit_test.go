package server_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/server"
)

// TestHostileLongURLs: a URL over MaxURLBytes, on /graphql or on a web
// page, is refused with 414 and a coded error before any query is parsed;
// one just under the limit is served; a request head over MaxHeaderBytes is
// cut off by net/http after reading that much. Many at once stay within
// the memory budget.
func TestHostileLongURLs(t *testing.T) {
	h := startHostile(t)
	var repeated strings.Builder
	repeated.WriteString("{actionPlan{actions{")
	for i := 0; i < 1800; i++ {
		fmt.Fprintf(&repeated, `practiceCount(region:"r%d") `, i)
	}
	repeated.WriteString("}}}")
	long := "/graphql?query=" + url.QueryEscape(repeated.String())
	if len(long) <= server.MaxURLBytes || len(long) >= server.MaxHeaderBytes {
		t.Fatalf("the test URL is %d bytes; want between the limits", len(long))
	}
	get := func(t *testing.T, path string, accept string) answer {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, h.url+path, nil)
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		start := time.Now()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return answer{status: resp.StatusCode, body: string(b), took: time.Since(start)}
	}
	wantLong := func(t *testing.T, a answer) {
		t.Helper()
		a.wantRefused(t, http.StatusRequestURITooLong, "BAD_USER_INPUT")
		var out struct {
			Errors []struct {
				Message    string
				Extensions struct {
					Reason string
					Limit  int
				}
			}
		}
		if err := json.Unmarshal([]byte(a.body), &out); err != nil || len(out.Errors) != 1 {
			t.Fatalf("answer: %v %s", err, a.body)
		}
		e := out.Errors[0]
		if e.Extensions.Reason != server.ReasonURLTooLong || e.Extensions.Limit != server.MaxURLBytes || !strings.Contains(e.Message, "POST") {
			t.Errorf("error %+v", e)
		}
	}

	t.Run("graphql", func(t *testing.T) { wantLong(t, get(t, long, "")) })
	t.Run("graphql-response+json", func(t *testing.T) {
		a := get(t, long, "application/graphql-response+json")
		wantLong(t, a)
	})
	t.Run("a web page", func(t *testing.T) {
		wantLong(t, get(t, "/zoeken?q="+strings.Repeat("buurt+", server.MaxURLBytes/6+1), ""))
	})
	t.Run("just under the limit is served", func(t *testing.T) {
		q := "{ __typename " + strings.Repeat(" ", server.MaxURLBytes-200) + "}"
		path := "/graphql?query=" + url.QueryEscape(q)
		if len(path) > server.MaxURLBytes {
			t.Fatalf("path of %d bytes", len(path))
		}
		a := get(t, path, "")
		if a.status != http.StatusOK || !strings.Contains(a.body, `"__typename":"Query"`) {
			t.Errorf("status %d: %.300s", a.status, a.body)
		}
	})
	t.Run("a head over the header limit", func(t *testing.T) {
		conn, err := net.Dial("tcp", h.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		start := time.Now()
		go func() { // the server stops reading; the rest of the write may fail
			fmt.Fprintf(conn, "GET /graphql?query=%s HTTP/1.1\r\nHost: x\r\n\r\n", strings.Repeat("a", 4*server.MaxHeaderBytes))
		}()
		conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("no answer after %v: %v", time.Since(start), err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge || time.Since(start) > fast {
			t.Errorf("status %d after %v", resp.StatusCode, time.Since(start))
		}
	})
	t.Run("many at once", func(t *testing.T) {
		n := allocated(func() {
			var wg sync.WaitGroup
			for range 20 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					resp, err := http.Get(h.url + long)
					if err != nil {
						t.Error(err)
						return
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusRequestURITooLong {
						t.Errorf("status %d", resp.StatusCode)
					}
				}()
			}
			wg.Wait()
		})
		if n > attackBudget {
			t.Errorf("20 long URLs allocated %d MiB", n>>20)
		}
	})
	h.stillServes(t)
}
