package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func envFrom(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func runCmd(t *testing.T, env map[string]string, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, envFrom(env), &out, &errOut)
	return out.String() + errOut.String(), err
}

func fixture(name string) string {
	return filepath.Join("..", "..", "internal", "bank", "testdata", name)
}

func TestConfigIsValidatedAtTheEdge(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"bad address", nil, []string{"serve", "-addr", "8080"}, "-addr"},
		{"bad port", nil, []string{"serve", "-addr", ":99999"}, "geen geldige poort"},
		{"bad demo", map[string]string{envDemo: "misschien"}, nil, envDemo},
		{"wildcard origin", map[string]string{envCORSOrigins: "*"}, nil, "wildcard"},
		{"origin with path", map[string]string{envCORSOrigins: "https://a.example/pad"}, nil, "origin"},
		{"bad log level", map[string]string{envLogLevel: "luid"}, nil, "logniveau"},
		{"bad rate", map[string]string{envRateReads: "veel"}, nil, envRateReads},
		{"short admin token", map[string]string{envAdminToken: "kort"}, nil, "te kort"},
		{"short session key", map[string]string{envSessionKey: "kort"}, nil, envSessionKey},
		{"bad tls proxy", map[string]string{envTLSProxy: "soms"}, nil, envTLSProxy},
		{"bad trusted proxy", map[string]string{envTrustedProxy: "10.0.0.1, proxy.example"}, nil, envTrustedProxy},
		{"bad trusted proxy range", nil, []string{"serve", "-trusted-proxies", "10.0.0.0/33"}, "-trusted-proxies"},
		{"no heavy slots", nil, []string{"serve", "-heavy-slots", "0"}, "-heavy-slots"},
		{"fractional heavy slots", map[string]string{envHeavySlots: "1.5"}, nil, envHeavySlots},
		{"malformed heavy slots", map[string]string{envHeavySlots: "veel"}, nil, envHeavySlots},
		{"bad mongodb uri", map[string]string{envMongoURI: "http://x"}, nil, "mongodb://"},
		{"unknown command", nil, []string{"maakkapot"}, "onbekend commando"},
		{"import without region", nil, []string{"import", fixture("limburg.json")}, "--region"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{envDataDir: dir}
			for k, v := range tt.env {
				env[k] = v
			}
			out, err := runCmd(t, env, tt.args...)
			var u usageError
			if !errors.As(err, &u) || !strings.Contains(err.Error()+out, tt.want) {
				t.Fatalf("err = %v (output %q), want a usage error mentioning %q", err, out, tt.want)
			}
			if exitCode(err) != 2 {
				t.Errorf("exit code %d, want 2", exitCode(err))
			}
		})
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("invalid configuration still wrote to the data dir: %v", entries)
	}
}

func TestMaskURI(t *testing.T) {
	got := maskURI("mongodb://praktijk:geheim@db.example:27017/pkb?replicaSet=rs0")
	if strings.Contains(got, "geheim") || !strings.Contains(got, "praktijk:xxxxx@") {
		t.Errorf("maskURI = %q", got)
	}
}

func TestImportOnTheDataDir(t *testing.T) {
	env := map[string]string{envDataDir: t.TempDir()}
	out, err := runCmd(t, env, "import", "--region", "limburg", fixture("limburg.json"))
	if err != nil || !strings.Contains(out, "2 nieuw, 0 gewijzigd, 0 ongewijzigd") {
		t.Fatalf("first import: %v\n%s", err, out)
	}
	out, err = runCmd(t, env, "import", "--region", "limburg", "--title", "Inventaris Limburg 2022", fixture("limburg.csv"))
	if err != nil || !strings.Contains(out, "0 nieuw, 0 gewijzigd, 2 ongewijzigd") {
		t.Fatalf("same practices as CSV: %v\n%s", err, out)
	}
	out, err = runCmd(t, env, "import", "--region", "antwerpen", fixture("limburg.json"))
	if !errors.Is(err, errRefused) || !strings.Contains(out, "REGION_MISMATCH") {
		t.Fatalf("JSON of another region: %v\n%s", err, out)
	}

	// A Windows-1252 CSV is refused with a clear reason, not stored as mojibake.
	latin1 := filepath.Join(t.TempDir(), "latin1.csv")
	csv := "ref;title;summary;krachtlijnen\nx-1;Caf\xe9 voor iedereen;Een ontmoetingsplek;NABIJHEID\n"
	if err := os.WriteFile(latin1, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err = runCmd(t, env, "import", "--region", "limburg", latin1)
	if !errors.Is(err, errRefused) || !strings.Contains(out, "INVALID_ENCODING") {
		t.Fatalf("Windows-1252 CSV: %v\n%s", err, out)
	}
	out, err = runCmd(t, env, "import", "--region", "limburg", "--dry-run", fixture("limburg.json"))
	if err != nil || !strings.Contains(out, "Proefrit") || !strings.Contains(out, "2 ongewijzigd") {
		t.Fatalf("dry run: %v\n%s", err, out)
	}
}

// TestImportAnExportOfSeveralRegions: without --region, a file with a region
// column (as /export.csv writes) becomes one inventory per region, all
// checked before any is written.
func TestImportAnExportOfSeveralRegions(t *testing.T) {
	env := map[string]string{envDataDir: t.TempDir()}
	export := filepath.Join(t.TempDir(), "export.csv")
	csv := "region;id;version;createdAt;updatedAt;ref;title;summary;krachtlijnen\n" +
		"limburg;pr_1;2;2024-01-01T00:00:00Z;2024-02-01T00:00:00Z;lim-1;Eerste praktijk;Een;NABIJHEID\n" +
		"antwerpen;pr_2;1;;;ant-1;Tweede praktijk;Twee;VERBINDEND\n" +
		"limburg;pr_3;1;;;lim-2;Derde praktijk;Drie;NABIJHEID\n"
	if err := os.WriteFile(export, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(t.TempDir(), "bad.csv")
	if err := os.WriteFile(bad, []byte(csv+"antwerpen;;;;;ant-2;X;Vier;GEEN\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := runCmd(t, env, "import", bad)
	if !errors.Is(err, errRefused) || !strings.Contains(out, "UNKNOWN_KRACHTLIJN") {
		t.Fatalf("a bad row in one region: %v\n%s", err, out)
	}
	if strings.Contains(out, "opgeslagen voor regio") {
		t.Fatalf("a region was written although another was refused:\n%s", out)
	}
	out, err = runCmd(t, env, "import", export)
	if err != nil || !strings.Contains(out, "opgeslagen voor regio limburg: 2 nieuw") || !strings.Contains(out, "opgeslagen voor regio antwerpen: 1 nieuw") {
		t.Fatalf("export of two regions: %v\n%s", err, out)
	}
	out, err = runCmd(t, env, "import", "--region", "limburg", export)
	if !errors.Is(err, errRefused) || !strings.Contains(out, "REGION_MISMATCH") {
		t.Fatalf("the export for one region: %v\n%s", err, out)
	}
}

func TestTokenCommands(t *testing.T) {
	env := map[string]string{envDataDir: t.TempDir()}
	out, err := runCmd(t, env, "token", "create", "--region", "limburg", "--label", "Platform Limburg")
	if err != nil {
		t.Fatalf("create: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	secret := lines[len(lines)-1]
	if !strings.HasPrefix(secret, "pkb_") {
		t.Fatalf("no token printed: %q", out)
	}
	id := strings.Fields(lines[0])[1]
	out, err = runCmd(t, env, "token", "list")
	if err != nil || !strings.Contains(out, id) || !strings.Contains(out, "actief") || strings.Contains(out, secret) {
		t.Fatalf("list: %v\n%s", err, out)
	}
	if out, err = runCmd(t, env, "token", "revoke", id); err != nil {
		t.Fatalf("revoke: %v\n%s", err, out)
	}
	if out, _ = runCmd(t, env, "token", "list"); !strings.Contains(out, "ingetrokken") {
		t.Errorf("after revoke: %s", out)
	}
	if _, err = runCmd(t, env, "token", "create", "--region", "gent"); err == nil || err.Error() != `onbekende regio "gent"` {
		t.Errorf("a token for an unknown region: %v; want it refused in Dutch", err)
	}
}

// startServer runs the real serve command on a free port until the test ends.
func startServer(t *testing.T, env map[string]string) (url string, stop func()) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var out bytes.Buffer
	go func() {
		done <- run(ctx, []string{"serve", "-addr", addr, "-log-level", "warn"}, envFrom(env), &out, &out)
	}()
	url = "http://" + addr
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		select {
		case err := <-done:
			t.Fatalf("server stopped: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("server did not become ready")
		}
		time.Sleep(50 * time.Millisecond)
	}
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve returned %v", err)
		}
	}
	t.Cleanup(stop)
	return url, stop
}

func graphql(t *testing.T, url, token, query string, vars map[string]any) map[string]any {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, url+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	if out["errors"] != nil {
		t.Fatalf("errors: %v", out["errors"])
	}
	return out["data"].(map[string]any)
}

func TestServerKeepsPracticesAcrossRestartAndImportsRemotely(t *testing.T) {
	const admin = "admin-token-for-the-test-0123"
	env := map[string]string{envDataDir: t.TempDir(), envAdminToken: admin}
	url, stop := startServer(t, env)

	demo := graphql(t, url, "", `{ searchPractices { total } }`, nil)
	if total := demo["searchPractices"].(map[string]any)["total"].(float64); total != 18 {
		t.Fatalf("demo practices = %v, want 18", total)
	}
	tok := graphql(t, url, admin, `mutation { createPlatformToken(region: "limburg") { token } }`, nil)
	token := tok["createPlatformToken"].(map[string]any)["token"].(string)

	out, err := runCmd(t, map[string]string{}, "import", "--region", "limburg", "--server", url, "--token", token, fixture("limburg.csv"))
	if err != nil || !strings.Contains(out, "2 nieuw") {
		t.Fatalf("remote import: %v\n%s", err, out)
	}
	out, err = runCmd(t, map[string]string{}, "import", "--region", "antwerpen", "--server", url, "--token", token, fixture("limburg.csv"))
	if err == nil || !strings.Contains(err.Error(), "FORBIDDEN") {
		t.Fatalf("remote import for another region: %v\n%s", err, out)
	}
	stop()

	url, _ = startServer(t, env)
	got := graphql(t, url, "", `{ practiceByRef(region: "limburg", ref: "lim-2022-001") { title version } searchPractices(query: "wijkteams genk") { total } }`, nil)
	p, ok := got["practiceByRef"].(map[string]any)
	if !ok || p["title"] != "Wijkteams in Genk" {
		t.Fatalf("after restart: %v", got)
	}
	if total := got["searchPractices"].(map[string]any)["total"].(float64); total < 1 {
		t.Errorf("after restart the practice is not searchable: %v", got)
	}
	all := graphql(t, url, "", `{ searchPractices { total } }`, nil)
	if total := all["searchPractices"].(map[string]any)["total"].(float64); total != 2 {
		t.Errorf("after restart %v practices, want 2 (the first real inventory removed the demo, and it is not loaded again)", fmt.Sprint(total))
	}
}

func TestBackupAndRestoreRoundTrip(t *testing.T) {
	const admin = "admin-token-for-the-test-0123"
	source := map[string]string{envDataDir: t.TempDir(), envAdminToken: admin, envDemo: "false"}
	if out, err := runCmd(t, source, "import", "--region", "limburg", fixture("limburg.json")); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	url, stop := startServer(t, source)
	online := filepath.Join(t.TempDir(), "online.db")
	out, err := runCmd(t, source, "backup", "--to", online, "--server", url)
	if err != nil || !strings.Contains(out, "2 praktijken, 1 inventarissen") {
		t.Fatalf("backup through the running server: %v\n%s", err, out)
	}
	if out, err := runCmd(t, source, "backup", "--to", filepath.Join(t.TempDir(), "x.db")); err == nil || !strings.Contains(err.Error(), "--server") {
		t.Errorf("offline backup while the server runs: %v\n%s", err, out)
	}
	if _, err := runCmd(t, map[string]string{}, "backup", "--to", filepath.Join(t.TempDir(), "y.db"), "--server", url, "--token", "verkeerd-token-0123456789"); err == nil {
		t.Error("a backup without the admin token was given")
	}
	stop()

	target := map[string]string{envDataDir: t.TempDir(), envDemo: "false"}
	if out, err := runCmd(t, target, "restore", "--from", online); err != nil || !strings.Contains(out, "2 praktijken") {
		t.Fatalf("restore: %v\n%s", err, out)
	}
	url, _ = startServer(t, target)
	got := graphql(t, url, "", `{ searchPractices(query: "digipunt") { total edges { node { ref version } } } }`, nil)
	if total := got["searchPractices"].(map[string]any)["total"].(float64); total != 1 {
		t.Fatalf("after restore: %v", got)
	}
	if out, err := runCmd(t, target, "restore", "--from", online); err == nil {
		t.Errorf("restore while the server runs was allowed:\n%s", out)
	}
	garbage := filepath.Join(t.TempDir(), "garbage.db")
	os.WriteFile(garbage, []byte("geen database"), 0o600)
	if _, err := runCmd(t, map[string]string{envDataDir: t.TempDir()}, "restore", "--from", garbage); err == nil {
		t.Error("a garbage file was restored")
	}
}
