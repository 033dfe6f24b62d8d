package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/refusal"
)

// Sentinel errors; the error presenters map them to UNAUTHENTICATED,
// FORBIDDEN and NOT_FOUND, and say in Dutch what they mean.
var (
	ErrUnauthenticated = errors.New("unauthenticated")
	ErrForbidden       = errors.New("forbidden")
	ErrNotFound        = errors.New("token not found")
)

// ForbiddenError says why a principal may not do something; it is an
// ErrForbidden.
type ForbiddenError struct {
	AdminOnly   bool   // only the admin may do it
	TokenRegion string // otherwise: the region the token writes
	Region      string // and the region it wanted to write
}

func (e *ForbiddenError) Error() string {
	if e.AdminOnly {
		return "forbidden: admin only"
	}
	return fmt.Sprintf("forbidden: this token writes only region %q, not %q", e.TokenRegion, e.Region)
}

// Is makes a ForbiddenError an ErrForbidden.
func (e *ForbiddenError) Is(target error) bool { return target == ErrForbidden }

// TokenPrefix starts every platform token, so a leaked one is easy to recognise.
const TokenPrefix = "pkb_"

// Principal is who makes a request.
type Principal struct {
	Role    Role
	Region  string // for platform tokens: the only region it may write
	TokenID string
	Label   string
}

// Name is how the principal is recorded on what it writes.
func (p *Principal) Name() string {
	if p == nil {
		return "anoniem"
	}
	if p.Label != "" {
		return p.Label
	}
	if p.Role == RoleAdmin {
		return "admin"
	}
	return p.TokenID
}

// Admin is the principal of the admin token and of local command-line use.
var Admin = &Principal{Role: RoleAdmin, Label: "admin"}

type ctxKey struct{}

// WithPrincipal returns a context that carries p.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, ctxKey{}, p)
}

// FromContext returns the request's principal, or nil for an anonymous reader.
func FromContext(ctx context.Context) *Principal {
	p, _ := ctx.Value(ctxKey{}).(*Principal)
	return p
}

// CanWrite reports whether p may write in region; ErrUnauthenticated for no
// principal, ErrForbidden for a platform token of another region.
func CanWrite(p *Principal, region string) error {
	switch {
	case p == nil:
		return ErrUnauthenticated
	case p.Role == RoleAdmin:
		return nil
	case p.Role == RolePlatform && p.Region == region:
		return nil
	}
	return &ForbiddenError{TokenRegion: p.Region, Region: region}
}

// RequireAdmin returns nil only for the admin.
func RequireAdmin(p *Principal) error {
	switch {
	case p == nil:
		return ErrUnauthenticated
	case p.Role != RoleAdmin:
		return &ForbiddenError{AdminOnly: true}
	}
	return nil
}

// Store is what the auth service needs of the store.
type Store interface {
	CreateToken(ctx context.Context, t Token) error
	TokenByHash(ctx context.Context, hash string) (Token, error)
	Tokens(ctx context.Context) ([]Token, error)
	RevokeToken(ctx context.Context, id string, at time.Time) error
}

// Service authenticates bearer tokens and manages platform tokens.
type Service struct {
	store     Store
	adminHash []byte // SHA-256 of the admin token; nil when none is configured
	now       func() time.Time
	isRegion  func(string) bool
	notFound  error // the store's "not found" sentinel
}

// NewService returns a service; adminToken may be empty (no admin over HTTP).
// isRegion tells which regions exist; notFound is the sentinel error the store
// wraps when a token does not exist (auth does not import the store).
func NewService(store Store, adminToken string, isRegion func(string) bool, notFound error) *Service {
	s := &Service{store: store, now: time.Now, isRegion: isRegion, notFound: notFound}
	if adminToken != "" {
		sum := sha256.Sum256([]byte(adminToken))
		s.adminHash = sum[:]
	}
	return s
}

// Hash is how a secret is kept at rest.
func Hash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// Authenticate resolves the value of an Authorization header. An empty header
// is an anonymous reader (nil, nil); anything else must be a valid token.
func (s *Service) Authenticate(ctx context.Context, header string) (*Principal, error) {
	if strings.TrimSpace(header) == "" {
		return nil, nil
	}
	scheme, secret, ok := strings.Cut(strings.TrimSpace(header), " ")
	secret = strings.TrimSpace(secret)
	if !ok || !strings.EqualFold(scheme, "Bearer") || secret == "" {
		return nil, ErrUnauthenticated
	}
	sum := sha256.Sum256([]byte(secret))
	if s.adminHash != nil && subtle.ConstantTimeCompare(sum[:], s.adminHash) == 1 {
		return Admin, nil
	}
	if !strings.HasPrefix(secret, TokenPrefix) {
		return nil, ErrUnauthenticated
	}
	t, err := s.store.TokenByHash(ctx, hex.EncodeToString(sum[:]))
	if err != nil || !t.Active() {
		if err != nil && !errors.Is(err, s.notFound) {
			return nil, fmt.Errorf("check the token: %w", err)
		}
		return nil, ErrUnauthenticated
	}
	return &Principal{Role: t.Role, Region: t.Region, TokenID: t.ID, Label: t.Label}, nil
}

// CreatePlatformToken makes a token that writes only region. The secret is
// returned once and only its hash is stored. Only the admin may do this.
func (s *Service) CreatePlatformToken(ctx context.Context, by *Principal, region, label string) (string, Token, error) {
	if err := RequireAdmin(by); err != nil {
		return "", Token{}, err
	}
	if !s.isRegion(region) {
		return "", Token{}, refusal.New(ErrInvalid, "unknown region %q", "onbekende regio %q", region)
	}
	label = strings.TrimSpace(label)
	if len(label) > 100 {
		return "", Token{}, refusal.New(ErrInvalid, "label over 100 characters", "het label is langer dan 100 tekens")
	}
	if label == "" {
		label = "platform " + region
	}
	secret := TokenPrefix + randomString(32)
	t := Token{
		ID:        "tok_" + randomString(9),
		Label:     label,
		Region:    region,
		Role:      RolePlatform,
		Hash:      Hash(secret),
		CreatedAt: s.now().UTC().Truncate(time.Millisecond),
	}
	if err := s.store.CreateToken(ctx, t); err != nil {
		return "", Token{}, fmt.Errorf("save the token: %w", err)
	}
	return secret, t, nil
}

// Tokens lists every token without secrets; admin only.
func (s *Service) Tokens(ctx context.Context, by *Principal) ([]Token, error) {
	if err := RequireAdmin(by); err != nil {
		return nil, err
	}
	return s.store.Tokens(ctx)
}

// Revoke makes a token unusable from now on and returns it; admin only.
func (s *Service) Revoke(ctx context.Context, by *Principal, id string) (Token, error) {
	if err := RequireAdmin(by); err != nil {
		return Token{}, err
	}
	if err := s.store.RevokeToken(ctx, id, s.now().UTC().Truncate(time.Millisecond)); err != nil {
		if errors.Is(err, s.notFound) {
			return Token{}, fmt.Errorf("%w: %s", ErrNotFound, id)
		}
		return Token{}, err
	}
	tokens, err := s.store.Tokens(ctx)
	if err != nil {
		return Token{}, err
	}
	for _, t := range tokens {
		if t.ID == id {
			return t, nil
		}
	}
	return Token{}, fmt.Errorf("%w: %s", ErrNotFound, id)
}

// ErrInvalid marks bad input to a token operation.
var ErrInvalid = errors.New("invalid token request")

func randomString(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// Resume returns the principal of a platform token by the hash of its secret
// (as Hash gives it), for a session that began with the token: a revoked or
// unknown token ends the session (ErrUnauthenticated).
func (s *Service) Resume(ctx context.Context, hash string) (*Principal, error) {
	t, err := s.store.TokenByHash(ctx, hash)
	if err != nil || !t.Active() {
		if err != nil && !errors.Is(err, s.notFound) {
			return nil, fmt.Errorf("check the token: %w", err)
		}
		return nil, ErrUnauthenticated
	}
	return &Principal{Role: t.Role, Region: t.Region, TokenID: t.ID, Label: t.Label}, nil
}
