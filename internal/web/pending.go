package web

import (
	"sync"
	"time"
)

// pendingFile is an uploaded file kept between its preview (the dry run)
// and "Indienen", so the platform does not send it twice.
type pendingFile struct {
	id      string
	sid     string // the session that uploaded it: no other session can submit it
	name    string
	title   string
	body    []byte
	created time.Time
}

// pendingFiles holds the files of previews, bounded in count, bytes and
// time: the oldest make way for a new one, and each lives at most ttl. They
// are in this process's memory only: with several replicas, "Indienen" that
// reaches another replica than the preview asks to upload the file again
// (sticky sessions avoid it).
type pendingFiles struct {
	maxFiles int
	maxBytes int64
	ttl      time.Duration
	now      func() time.Time

	mu    sync.Mutex
	files []*pendingFile // oldest first
	bytes int64
}

func newPendingFiles(maxFiles int, maxBytes int64, ttl time.Duration) *pendingFiles {
	return &pendingFiles{maxFiles: maxFiles, maxBytes: maxBytes, ttl: ttl, now: time.Now}
}

// put keeps f (replacing the session's earlier one) and returns its id.
func (p *pendingFiles) put(f *pendingFile) string {
	f.id, f.created = randomID(), p.now()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.expire()
	p.drop(func(x *pendingFile) bool { return x.sid == f.sid })
	for len(p.files) > 0 && (len(p.files) >= p.maxFiles || p.bytes+int64(len(f.body)) > p.maxBytes) {
		p.bytes -= int64(len(p.files[0].body))
		p.files = p.files[1:]
	}
	p.files = append(p.files, f)
	p.bytes += int64(len(f.body))
	return f.id
}

// get returns the file with id if the session sid uploaded it. The file
// stays until it is submitted (forget), replaced or expired, so a refused
// submission can be tried again.
func (p *pendingFiles) get(id, sid string) (*pendingFile, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.expire()
	for _, f := range p.files {
		if f.id == id && f.sid == sid {
			return f, true
		}
	}
	return nil, false
}

// forget drops the session's file, if any (after submitting, on sign-out).
func (p *pendingFiles) forget(sid string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.drop(func(x *pendingFile) bool { return x.sid == sid })
}

func (p *pendingFiles) expire() {
	now := p.now()
	p.drop(func(x *pendingFile) bool { return now.Sub(x.created) > p.ttl })
}

func (p *pendingFiles) drop(match func(*pendingFile) bool) {
	kept := p.files[:0]
	for _, f := range p.files {
		if match(f) {
			p.bytes -= int64(len(f.body))
			continue
		}
		kept = append(kept, f)
	}
	clear(p.files[len(kept):])
	p.files = kept
}
