package bolt

import (
	"path/filepath"
	"testing"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store"
	"github.com/sterk-sociaal-werk/praktijkenbank/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := Open(filepath.Join(t.TempDir(), "data", "praktijkenbank.db"))
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		return s
	})
}

func TestCopyConformance(t *testing.T) {
	storetest.RunCopy(t, func(t *testing.T) store.Store {
		s, err := Open(filepath.Join(t.TempDir(), "praktijkenbank.db"))
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		return s
	})
}
