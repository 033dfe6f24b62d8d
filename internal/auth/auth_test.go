package auth_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/auth"
)

var errNotFound = errors.New("not found")

// memTokens is a test double of the token part of the store.
type memTokens struct {
	mu     sync.Mutex
	tokens []auth.Token
}

func (m *memTokens) CreateToken(_ context.Context, t auth.Token) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.tokens = append(m.tokens, t)
	return nil
}

func (m *memTokens) TokenByHash(_ context.Context, hash string) (auth.Token, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, t := range m.tokens {
		if t.Hash == hash {
			return t, nil
		}
	}
	return auth.Token{}, errNotFound
}

func (m *memTokens) Tokens(context.Context) ([]auth.Token, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]auth.Token(nil), m.tokens...), nil
}

func (m *memTokens) RevokeToken(_ context.Context, id string, at time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := range m.tokens {
		if m.tokens[i].ID == id {
			m.tokens[i].RevokedAt = &at
			return nil
		}
	}
	return errNotFound
}

func newService(adminToken string) (*auth.Service, *memTokens) {
	st := &memTokens{}
	return auth.NewService(st, adminToken, func(r string) bool { return r == "limburg" || r == "antwerpen" }, errNotFound), st
}

func TestAuthenticate(t *testing.T) {
	ctx := context.Background()
	svc, st := newService("admin-secret-0123456789")
	secret, tok, err := svc.CreatePlatformToken(ctx, auth.Admin, "limburg", "Platform Limburg")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(st.tokens[0].Hash, secret) || st.tokens[0].Hash != auth.Hash(secret) {
		t.Fatal("the token is not stored as its hash")
	}
	tests := []struct {
		header   string
		wantRole auth.Role
		wantErr  error
	}{
		{"", "", nil},
		{"Bearer admin-secret-0123456789", auth.RoleAdmin, nil},
		{"bearer " + secret, auth.RolePlatform, nil},
		{"Bearer " + secret + "x", "", auth.ErrUnauthenticated},
		{"Bearer admin-secret-012345678", "", auth.ErrUnauthenticated},
		{"Basic dXNlcjpwYXNz", "", auth.ErrUnauthenticated},
		{"Bearer", "", auth.ErrUnauthenticated},
	}
	for _, tt := range tests {
		p, err := svc.Authenticate(ctx, tt.header)
		if !errors.Is(err, tt.wantErr) || (err == nil && tt.wantRole == "" && p != nil) || (tt.wantRole != "" && (p == nil || p.Role != tt.wantRole)) {
			t.Errorf("Authenticate(%q) = %+v, %v; want role %q err %v", tt.header, p, err, tt.wantRole, tt.wantErr)
		}
	}
	p, _ := svc.Authenticate(ctx, "Bearer "+secret)
	if p.Region != "limburg" || p.TokenID != tok.ID || p.Name() != "Platform Limburg" {
		t.Errorf("platform principal = %+v", p)
	}
	if _, err := svc.Revoke(ctx, auth.Admin, tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Authenticate(ctx, "Bearer "+secret); !errors.Is(err, auth.ErrUnauthenticated) {
		t.Errorf("revoked token: err = %v", err)
	}
}

func TestNoAdminTokenConfigured(t *testing.T) {
	svc, _ := newService("")
	if p, err := svc.Authenticate(context.Background(), "Bearer "); p != nil || err == nil {
		t.Errorf("empty bearer = %+v, %v", p, err)
	}
}

func TestScope(t *testing.T) {
	limburg := &auth.Principal{Role: auth.RolePlatform, Region: "limburg"}
	if err := auth.CanWrite(limburg, "limburg"); err != nil {
		t.Errorf("own region: %v", err)
	}
	if err := auth.CanWrite(limburg, "antwerpen"); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("other region: %v", err)
	}
	if err := auth.CanWrite(nil, "limburg"); !errors.Is(err, auth.ErrUnauthenticated) {
		t.Errorf("anonymous: %v", err)
	}
	if err := auth.CanWrite(auth.Admin, "antwerpen"); err != nil {
		t.Errorf("admin: %v", err)
	}
	ctx := context.Background()
	svc, _ := newService("admin-secret-0123456789")
	if _, _, err := svc.CreatePlatformToken(ctx, limburg, "limburg", ""); !errors.Is(err, auth.ErrForbidden) {
		t.Errorf("platform creating tokens: %v", err)
	}
	if _, _, err := svc.CreatePlatformToken(ctx, auth.Admin, "gent", ""); !errors.Is(err, auth.ErrInvalid) {
		t.Errorf("unknown region: %v", err)
	}
	if _, err := svc.Revoke(ctx, auth.Admin, "tok_bestaat_niet"); !errors.Is(err, auth.ErrNotFound) {
		t.Errorf("revoking an unknown token: %v", err)
	}
}
