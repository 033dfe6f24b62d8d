package search

import (
	"context"
	"fmt"

	"github.com/sterk-sociaal-werk/praktijkenbank/internal/practice"
)

// CheckReport is what Check found: how the index compares with the store.
type CheckReport struct {
	Live       int    `json:"live"`       // live practices in the store
	Indexed    int    `json:"indexed"`    // documents in the index
	Missing    int    `json:"missing"`    // live practices absent from the index
	Stale      int    `json:"stale"`      // live practices indexed with another seq
	Withdrawn  int    `json:"withdrawn"`  // withdrawn practices still in the index
	Extra      int    `json:"extra"`      // documents of practices the store does not have
	StoreSeq   uint64 `json:"storeSeq"`   // the store's last seq
	AppliedSeq uint64 `json:"appliedSeq"` // the index's applied seq
}

// Consistent reports whether the index holds exactly the live practices of
// the store, each at its current seq, and has applied the store's last seq.
func (r CheckReport) Consistent() bool {
	return r.Missing+r.Stale+r.Withdrawn+r.Extra == 0 && r.Indexed == r.Live && r.AppliedSeq >= r.StoreSeq
}

// Check compares every practice in the store (id, seq, live) with the index
// and changes neither; run it with no writer, or expect the lag of a live
// server. Reconcile is the same walk that repairs.
func (ix *Index) Check(ctx context.Context, src Source) (CheckReport, error) {
	var rep CheckReport
	last, err := src.LastSeq(ctx)
	if err != nil {
		return rep, fmt.Errorf("search: check: %w", err)
	}
	rep.StoreSeq, rep.AppliedSeq = last, ix.AppliedSeq()
	snap, err := ix.indexedSeqs(ctx)
	if err != nil {
		return rep, err
	}
	rep.Indexed = len(snap)
	seen := 0
	err = src.ScanPractices(ctx, func(p practice.Practice) error {
		s, present := snap[p.ID]
		if present {
			seen++
		}
		switch {
		case p.Live():
			rep.Live++
			if !present {
				rep.Missing++
			} else if s != p.Seq {
				rep.Stale++
			}
		case present:
			rep.Withdrawn++
		}
		return nil
	})
	if err != nil {
		return rep, fmt.Errorf("search: check scan: %w", err)
	}
	rep.Extra = len(snap) - seen
	return rep, nil
}
