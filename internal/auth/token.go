// Package auth decides who may write: the admin token, and platform tokens that
// write only their own region. Tokens are random secrets stored as hashes.
package auth

import "time"

// Role is what a principal may do.
type Role string

const (
	RoleAdmin    Role = "ADMIN"
	RolePlatform Role = "PLATFORM"
)

// Token is a stored platform token: never the secret, only its hash.
type Token struct {
	ID        string     `json:"id"`
	Label     string     `json:"label"`
	Region    string     `json:"region"`
	Role      Role       `json:"role"`
	Hash      string     `json:"hash"` // hex SHA-256 of the secret
	CreatedAt time.Time  `json:"createdAt"`
	RevokedAt *time.Time `json:"revokedAt,omitempty"`
}

// Active reports whether the token may still be used.
func (t Token) Active() bool { return t.RevokedAt == nil }
