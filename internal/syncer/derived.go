package syncer

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/engine"
)

// derivedMaxAge is how long a dry run's derivation stands in for reading the range again:
// after that, activity may have grown enough that a backfill reads it afresh.
const derivedMaxAge = 15 * time.Minute

// Derived is what a dry run of a custom range derived, piece by piece, so that confirming the
// same backfill soon after (Request.Derived) writes those blocks without reading and deriving
// the range again. The calendar is still read and planned afresh, so the writes are as safe
// as any run's. The zero value is ready to fill.
type Derived struct {
	key      string // the config, range and window start it belongs to
	at       time.Time
	window   window // the dry run's, which the real run reuses whole
	complete bool
	pieces   []derivedPiece
}

// derivedPiece is one piece of the window: [c0, c1] derived, blocks cut at cutAt, and the
// quiescent point the last piece found.
type derivedPiece struct {
	c0, c1, cutAt, q time.Time
	blocks           []engine.Block
}

// derivedKey names what a derivation depends on: the whole config, the range and where the
// window starts (which follows the quiescent points). Where it ends follows the clock when
// the range reaches the present; a real run reuses the dry run's window whole.
func derivedKey(cfg config.Config, from, to time.Time, w window) (string, error) {
	b, err := json.Marshal(struct {
		Config        config.Config
		From, To      time.Time
		WFrom         time.Time
		Seeds         []engine.Seed
		FromQuiescent bool
	}{cfg, from, to, w.from, w.seeds, w.fromQuiescent})
	if err != nil {
		return "", fmt.Errorf("naming a backfill's derivation: %w", err)
	}
	return string(b), nil
}

// startDerived prepares the run to record (a dry run) or to reuse (a real run) the
// derivation of Request.Derived, for a custom range without forgotten corrections. It returns
// the window to process: a reused derivation comes with the dry run's window, so the real run
// reconciles exactly what the dry run planned over (nothing after the preview's end, which
// the automatic syncs look after).
func (r *run) startDerived(from, to time.Time, w window) (window, error) {
	d := r.req.Derived
	if d == nil || r.req.ForgetCorrections {
		return w, nil
	}
	key, err := derivedKey(r.cfg, from, to, w)
	if err != nil {
		return w, err
	}
	if r.req.DryRun {
		*d = Derived{key: key, at: r.end, window: w}
		r.recording = true
		return w, nil
	}
	if d.complete && d.key == key && !r.end.Before(d.at) && r.end.Sub(d.at) <= derivedMaxAge {
		r.replaying = d.pieces
		return d.window, nil
	}
	return w, nil
}

// keep records a derived piece of a dry run.
func (r *run) keep(p derivedPiece) {
	if r.recording {
		p.blocks = append([]engine.Block(nil), p.blocks...)
		r.req.Derived.pieces = append(r.req.Derived.pieces, p)
	}
}

// replay reconciles the pieces a dry run derived, reading no activity. It returns the
// quiescent point the last piece found.
func (r *run) replay(ctx context.Context, w window) (time.Time, error) {
	var q time.Time
	for i, p := range r.replaying {
		if err := ctx.Err(); err != nil {
			return time.Time{}, err
		}
		r.piece.from, r.piece.to = p.c0, p.c1
		if err := r.reconcilePiece(ctx, w, i == 0, p.c0, p.cutAt, append([]engine.Block(nil), p.blocks...)); err != nil {
			return time.Time{}, err
		}
		q = p.q
	}
	return q, nil
}
