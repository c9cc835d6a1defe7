//go:build unix

package main

import (
	"context"
	"fmt"
	"time"

	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/engine"
	"github.com/awcal/awcal/internal/pipeline"
	"github.com/awcal/awcal/internal/syncer"
)

// idleSettle is how long a measured derivation waits after the server closed its idle
// connections, so that the client has seen them close and each run dials anew, as a sync
// minutes after the last one does.
const idleSettle = 50 * time.Millisecond

// measureDerivation times a server-mode derivation as the running app makes it (the tray's
// syncs and previews, the daemon's): the config's activity read from aw-server with the
// pipeline's source and privacy filter (syncer.ReadActivity) and derived with its engine,
// compiled once beforehand as the app holds it. The process is running already, so start-up
// is not part of it. closeIdle closes the server's idle connections before each run. It
// returns the best wall time of runs runs.
func measureDerivation(cfgPath string, from, to time.Time, closeIdle func()) (time.Duration, error) {
	cfg, err := config.Load(cfgPath)
	if err != nil {
		return 0, err
	}
	eng, err := pipeline.Engine(*cfg)
	if err != nil {
		return 0, err
	}
	factory := pipeline.New(pipeline.Env{})
	var best time.Duration
	for i := range runs {
		closeIdle()
		time.Sleep(idleSettle)
		start := time.Now()
		act, err := syncer.ReadActivity(context.Background(), factory.Source(cfg.ActivityWatch), *cfg, from, to)
		if err != nil {
			return 0, fmt.Errorf("reading the activity in process: %w", err)
		}
		res := eng.Derive(engine.Input{From: from, To: to, Buckets: act.Buckets})
		took := time.Since(start)
		if len(res.Blocks) == 0 {
			return 0, fmt.Errorf("the derivation in process found no blocks in %d buckets", len(act.Buckets))
		}
		if i == 0 || took < best {
			best = took
		}
	}
	return best, nil
}
