package server

import (
	"bytes"
	"strings"
	"testing"
	"testing/iotest"
)

func TestReadAtMost(t *testing.T) {
	for _, tt := range []struct {
		n, max, size int64
		whole        bool
	}{
		{0, 10, -1, true},
		{10, 10, -1, true},
		{11, 10, -1, false},
		{10, 10, 10, true},
		{11, 10, 5, false},             // announced short, sent long
		{200 << 10, 1 << 20, -1, true}, // grows past its first buffer
		{(1 << 20) + 1, 1 << 20, -1, false},
	} {
		in := strings.Repeat("x", int(tt.n))
		b, err := readAtMost(iotest.HalfReader(strings.NewReader(in)), tt.max, tt.size)
		if err != nil || (b != nil) != tt.whole || (tt.whole && !bytes.Equal(b, []byte(in))) {
			t.Errorf("%d bytes, max %d, size %d: %d bytes, %v; want whole %v", tt.n, tt.max, tt.size, len(b), err, tt.whole)
		}
		if int64(cap(b)) > tt.max+1 {
			t.Errorf("%d bytes, max %d: a buffer of %d", tt.n, tt.max, cap(b))
		}
	}
}
