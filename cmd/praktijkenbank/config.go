package main

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/server"
)

// config is the one typed configuration of the binary, from flags and
// environment (flags win). It is validated before anything is opened.
type config struct {
	Addr            string
	DataDir         string
	MongoURI        string
	MongoDatabase   string
	AdminToken      string
	CORSOrigins     []string
	Demo            bool
	LogLevel        slog.Level
	LogFormat       string
	Introspection   bool
	ShutdownTimeout time.Duration
	ReadsPerSecond  float64 // per client; 0: no limit
	WritesPerMinute float64 // per client; 0: no limit
	PagesPerSecond  float64 // web pages, suggestions, reports per client; 0: no limit
	ExportsPerMin   float64 // exports per client; 0: no limit
	MetricsToken    string  // bearer token of /metrics; empty: open
	Timeouts        server.Timeouts
	SessionKey      string         // signs the sessions of /indienen; shared by replicas
	TLSProxy        bool           // behind a proxy that ends TLS (X-Forwarded-Proto)
	tlsProxy        string         // TLSProxy as given, until validated
	TrustedProxies  server.Proxies // whose X-Forwarded-For names the client
	trustedProxies  string         // TrustedProxies as given, until validated
	Thesaurus       string         // file of the search thesaurus; "": the shipped one
	HeavySlots      float64        // CPU-heavy requests at once (server.Options.HeavySlots); NaN or a fraction until validated
}

// env names of the configuration.
const (
	envAddr          = "PRAKTIJKENBANK_ADDR"
	envDataDir       = "PRAKTIJKENBANK_DATA_DIR"
	envMongoURI      = "MONGODB_URI"
	envMongoDatabase = "PRAKTIJKENBANK_MONGODB_DATABASE"
	envAdminToken    = "PRAKTIJKENBANK_ADMIN_TOKEN"
	envCORSOrigins   = "PRAKTIJKENBANK_CORS_ORIGINS"
	envDemo          = "PRAKTIJKENBANK_DEMO"
	envLogLevel      = "PRAKTIJKENBANK_LOG_LEVEL"
	envLogFormat     = "PRAKTIJKENBANK_LOG_FORMAT"
	envIntrospection = "PRAKTIJKENBANK_INTROSPECTION"
	envRateReads     = "PRAKTIJKENBANK_RATE_READS"
	envRateWrites    = "PRAKTIJKENBANK_RATE_WRITES"
	envRatePages     = "PRAKTIJKENBANK_RATE_PAGES"
	envRateExports   = "PRAKTIJKENBANK_RATE_EXPORTS"
	envMetricsToken  = "PRAKTIJKENBANK_METRICS_TOKEN"
	envReadTimeout   = "PRAKTIJKENBANK_READ_TIMEOUT"
	envWriteTimeout  = "PRAKTIJKENBANK_WRITE_TIMEOUT"
	envSessionKey    = "PRAKTIJKENBANK_SESSION_KEY"
	envTLSProxy      = "PRAKTIJKENBANK_TLS_PROXY"
	envThesaurus     = "PRAKTIJKENBANK_THESAURUS"
	envTrustedProxy  = "PRAKTIJKENBANK_TRUSTED_PROXIES"
	envHeavySlots    = "PRAKTIJKENBANK_HEAVY_SLOTS"
)

// storeFlags registers the flags every subcommand that opens the store takes.
func storeFlags(fs *flag.FlagSet, c *config, getenv func(string) string) {
	fs.StringVar(&c.DataDir, "data-dir", envOr(getenv, envDataDir, "./data"), "map voor de ingebouwde opslag en de zoekindex ($"+envDataDir+")")
	fs.StringVar(&c.MongoURI, "mongodb-uri", getenv(envMongoURI), "MongoDB-verbinding; leeg: ingebouwde opslag ($"+envMongoURI+")")
	fs.StringVar(&c.MongoDatabase, "mongodb-database", getenv(envMongoDatabase), "MongoDB-database als de URI er geen noemt ($"+envMongoDatabase+", standaard praktijkenbank)")
}

// serveFlags registers the flags of the server.
func serveFlags(fs *flag.FlagSet, c *config, getenv func(string) string) (demo, level, introspection, cors *string) {
	storeFlags(fs, c, getenv)
	fs.StringVar(&c.Addr, "addr", envOr(getenv, envAddr, ":8080"), "adres waarop de server luistert ($"+envAddr+")")
	fs.StringVar(&c.Thesaurus, "thesaurus", getenv(envThesaurus), "bestand met synoniemen voor het zoeken, in plaats van het meegeleverde; gelezen bij het starten ($"+envThesaurus+")")
	fs.StringVar(&c.AdminToken, "admin-token", getenv(envAdminToken), "beheerderstoken ($"+envAdminToken+")")
	fs.StringVar(&c.LogFormat, "log-format", envOr(getenv, envLogFormat, "text"), "text of json ($"+envLogFormat+")")
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", 15*time.Second, "hoe lang lopende verzoeken mogen afronden bij het stoppen")
	fs.Float64Var(&c.ReadsPerSecond, "rate-reads", envFloat(getenv, envRateReads, 20), "leesoperaties per seconde per client; 0: geen limiet ($"+envRateReads+")")
	fs.Float64Var(&c.WritesPerMinute, "rate-writes", envFloat(getenv, envRateWrites, 30), "schrijfoperaties per minuut per client; 0: geen limiet ($"+envRateWrites+")")
	rl := server.DefaultRateLimits()
	fs.Float64Var(&c.PagesPerSecond, "rate-pages", envFloat(getenv, envRatePages, rl.PagesPerSecond), "webpagina's, suggesties en rapporten per seconde per client; 0: geen limiet ($"+envRatePages+")")
	fs.Float64Var(&c.ExportsPerMin, "rate-exports", envFloat(getenv, envRateExports, rl.ExportsPerMinute), "exports per minuut per client; 0: geen limiet ($"+envRateExports+")")
	fs.StringVar(&c.MetricsToken, "metrics-token", getenv(envMetricsToken), "token dat /metrics vraagt; leeg: /metrics is open ($"+envMetricsToken+")")
	t := server.DefaultTimeouts()
	fs.DurationVar(&c.Timeouts.ReadHeader, "read-header-timeout", t.ReadHeader, "hoe lang een client over de kopregels van een verzoek mag doen")
	fs.DurationVar(&c.Timeouts.Read, "read-timeout", envDuration(getenv, envReadTimeout, t.Read), "hoe lang een client over een heel verzoek mag doen, body inbegrepen ($"+envReadTimeout+")")
	fs.DurationVar(&c.Timeouts.Write, "write-timeout", envDuration(getenv, envWriteTimeout, t.Write), "hoe lang het antwoord op een verzoek mag duren, ook als de client traag leest ($"+envWriteTimeout+")")
	fs.DurationVar(&c.Timeouts.Idle, "idle-timeout", t.Idle, "hoe lang een open verbinding zonder verzoek mag wachten")
	fs.StringVar(&c.SessionKey, "session-key", getenv(envSessionKey), "sleutel (≥ 32 tekens) die de aanmeldingen op /indienen ondertekent; geef alle replica's dezelfde; leeg: een willekeurige per proces ($"+envSessionKey+")")
	fs.StringVar(&c.tlsProxy, "tls-proxy", envOr(getenv, envTLSProxy, "false"), "de server staat achter een proxy die TLS afhandelt en X-Forwarded-Proto zet ($"+envTLSProxy+")")
	fs.StringVar(&c.trustedProxies, "trusted-proxies", getenv(envTrustedProxy), "IP-adressen en CIDR-bereiken van reverse proxies waarvan X-Forwarded-For de client aanwijst voor de limieten, met komma's gescheiden; leeg: geen ($"+envTrustedProxy+")")
	fs.Float64Var(&c.HeavySlots, "heavy-slots", envFloat(getenv, envHeavySlots, float64(server.HeavySlots())), "zware verzoeken (zoeken, exports, uploads, rapporten) tegelijk in uitvoering; de rest wacht even of krijgt 503; standaard het aantal processorkernen min één ($"+envHeavySlots+")")
	demo = fs.String("demo", envOr(getenv, envDemo, "true"), "laad de voorbeeldinventaris in een lege opslag ($"+envDemo+")")
	level = fs.String("log-level", envOr(getenv, envLogLevel, "info"), "debug, info, warn of error ($"+envLogLevel+")")
	introspection = fs.String("introspection", envOr(getenv, envIntrospection, "true"), "GraphQL-introspectie toestaan ($"+envIntrospection+")")
	cors = fs.String("cors-origins", getenv(envCORSOrigins), "toegelaten browser-origins, met komma's gescheiden ($"+envCORSOrigins+")")
	return
}

// envFloat reads a number from the environment; a malformed value is kept as
// NaN so that validation reports it.
func envFloat(getenv func(string) string, key string, dflt float64) float64 {
	v := getenv(key)
	if v == "" {
		return dflt
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil {
		return math.NaN()
	}
	return f
}

// envDuration reads a duration (30s, 2m) from the environment; a malformed
// value is kept as -1 so that validation reports it.
func envDuration(getenv func(string) string, key string, dflt time.Duration) time.Duration {
	v := getenv(key)
	if v == "" {
		return dflt
	}
	d, err := time.ParseDuration(strings.TrimSpace(v))
	if err != nil {
		return -1
	}
	return d
}

func envOr(getenv func(string) string, key, dflt string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return dflt
}

// finishServe validates and completes the server configuration.
func (c *config) finishServe(demo, level, introspection, cors string) error {
	var errs []error
	var err error
	if c.Demo, err = parseBool("demo", envDemo, demo); err != nil {
		errs = append(errs, err)
	}
	if c.Introspection, err = parseBool("introspection", envIntrospection, introspection); err != nil {
		errs = append(errs, err)
	}
	if c.TLSProxy, err = parseBool("tls-proxy", envTLSProxy, c.tlsProxy); err != nil {
		errs = append(errs, err)
	}
	if c.TrustedProxies, err = server.ParseProxies(c.trustedProxies); err != nil {
		errs = append(errs, fmt.Errorf("-trusted-proxies / $%s: %w", envTrustedProxy, err))
	}
	if c.SessionKey != "" && len(c.SessionKey) < 32 {
		errs = append(errs, fmt.Errorf("-session-key / $%s: te kort (%d tekens); gebruik minstens 32, bv. openssl rand -hex 32", envSessionKey, len(c.SessionKey)))
	}
	if err := c.LogLevel.UnmarshalText([]byte(level)); err != nil {
		errs = append(errs, fmt.Errorf("-log-level / $%s: %q is geen logniveau (debug, info, warn, error)", envLogLevel, level))
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("-log-format / $%s: %q: kies text of json", envLogFormat, c.LogFormat))
	}
	if _, port, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("-addr / $%s: %q is geen adres van de vorm host:poort of :poort", envAddr, c.Addr))
	} else if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		errs = append(errs, fmt.Errorf("-addr / $%s: %q heeft geen geldige poort", envAddr, c.Addr))
	}
	if math.IsNaN(c.HeavySlots) || c.HeavySlots < 1 || c.HeavySlots > 1024 || c.HeavySlots != math.Trunc(c.HeavySlots) {
		errs = append(errs, fmt.Errorf("-heavy-slots / $%s: geef een geheel getal van 1 tot 1024", envHeavySlots))
	}
	if math.IsNaN(c.ReadsPerSecond) || c.ReadsPerSecond < 0 {
		errs = append(errs, fmt.Errorf("-rate-reads / $%s: geef een getal ≥ 0", envRateReads))
	}
	if math.IsNaN(c.WritesPerMinute) || c.WritesPerMinute < 0 {
		errs = append(errs, fmt.Errorf("-rate-writes / $%s: geef een getal ≥ 0", envRateWrites))
	}
	if math.IsNaN(c.PagesPerSecond) || c.PagesPerSecond < 0 {
		errs = append(errs, fmt.Errorf("-rate-pages / $%s: geef een getal ≥ 0", envRatePages))
	}
	if math.IsNaN(c.ExportsPerMin) || c.ExportsPerMin < 0 {
		errs = append(errs, fmt.Errorf("-rate-exports / $%s: geef een getal ≥ 0", envRateExports))
	}
	if c.MetricsToken != "" && len(c.MetricsToken) < 16 {
		errs = append(errs, fmt.Errorf("$%s is te kort: gebruik minstens 16 willekeurige tekens", envMetricsToken))
	}
	for _, d := range []struct {
		flag string
		v    time.Duration
	}{{"read-header-timeout", c.Timeouts.ReadHeader}, {"read-timeout", c.Timeouts.Read}, {"write-timeout", c.Timeouts.Write}, {"idle-timeout", c.Timeouts.Idle}} {
		if d.v <= 0 {
			errs = append(errs, fmt.Errorf("-%s: geef een positieve duur, bv. 30s", d.flag))
		}
	}
	if c.ShutdownTimeout <= 0 {
		errs = append(errs, errors.New("-shutdown-timeout moet positief zijn"))
	}
	origins, err := parseOrigins(cors)
	if err != nil {
		errs = append(errs, err)
	}
	c.CORSOrigins = origins
	if c.AdminToken != "" && len(c.AdminToken) < 16 {
		errs = append(errs, fmt.Errorf("$%s is te kort: gebruik minstens 16 willekeurige tekens", envAdminToken))
	}
	if err := c.finishStore(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// finishStore validates the store configuration.
func (c *config) finishStore() error {
	if c.MongoURI == "" && strings.TrimSpace(c.DataDir) == "" {
		return fmt.Errorf("-data-dir / $%s mag niet leeg zijn", envDataDir)
	}
	if c.MongoURI != "" {
		u, err := url.Parse(c.MongoURI)
		if err != nil || (u.Scheme != "mongodb" && u.Scheme != "mongodb+srv") {
			return fmt.Errorf("$%s is geen mongodb:// of mongodb+srv:// URI", envMongoURI)
		}
	}
	return nil
}

func parseBool(flagName, env, v string) (bool, error) {
	b, err := strconv.ParseBool(strings.TrimSpace(v))
	if err != nil {
		return false, fmt.Errorf("-%s / $%s: %q is geen true of false", flagName, env, v)
	}
	return b, nil
}

// parseOrigins reads a comma-separated allowlist of origins such as
// https://sociaalwerk.be. A wildcard is refused: the allowlist must name them.
func parseOrigins(s string) ([]string, error) {
	var out []string
	for _, o := range strings.Split(s, ",") {
		o = strings.TrimSpace(o)
		if o == "" {
			continue
		}
		u, err := url.Parse(o)
		if o == "*" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
			return nil, fmt.Errorf("$%s: %q is geen origin van de vorm https://host[:poort] (een wildcard is niet toegelaten)", envCORSOrigins, o)
		}
		out = append(out, strings.TrimSuffix(o, "/"))
	}
	return out, nil
}

// LogValue logs the configuration with secrets masked.
func (c config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("addr", c.Addr),
		slog.String("dataDir", c.DataDir),
		slog.String("mongodbURI", maskURI(c.MongoURI)),
		slog.String("mongodbDatabase", c.MongoDatabase),
		slog.Bool("adminToken", c.AdminToken != ""),
		slog.Bool("sessionKey", c.SessionKey != ""),
		slog.Bool("tlsProxy", c.TLSProxy),
		slog.Any("trustedProxies", c.TrustedProxies),
		slog.Int("heavySlots", int(c.HeavySlots)),
		slog.Any("corsOrigins", c.CORSOrigins),
		slog.Bool("demo", c.Demo),
		slog.String("logLevel", c.LogLevel.String()),
		slog.Bool("introspection", c.Introspection),
		slog.Float64("rateReadsPerSecond", c.ReadsPerSecond),
		slog.Float64("rateWritesPerMinute", c.WritesPerMinute),
		slog.Float64("ratePagesPerSecond", c.PagesPerSecond),
		slog.Float64("rateExportsPerMinute", c.ExportsPerMin),
		slog.Bool("metricsToken", c.MetricsToken != ""),
		slog.Any("timeouts", c.Timeouts),
		slog.String("thesaurus", c.Thesaurus),
	)
}

// maskURI hides the password of a connection URI.
func maskURI(s string) string {
	if s == "" {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil {
		return "(ongeldig)"
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

func newLogger(format string, level slog.Level) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}
