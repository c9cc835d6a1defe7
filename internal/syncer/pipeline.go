package syncer

import (
	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/engine"
	"github.com/awcal/awcal/internal/pipeline"
	"github.com/awcal/awcal/internal/privacy"
)

// compiled is the engine with one configuration's settings, and the privacy filter applied to
// fetched activity before it, both built by package pipeline.
type compiled struct {
	eng     *engine.Engine
	privacy *privacy.Filter
}

// compile builds a configuration's engine and privacy filter once per run, so that settings
// changed between runs take effect at the next one.
func compile(cfg config.Config) (compiled, error) {
	eng, err := pipeline.Engine(cfg)
	if err != nil {
		return compiled{}, err
	}
	f, err := pipeline.Privacy(cfg)
	if err != nil {
		return compiled{}, err
	}
	return compiled{eng: eng, privacy: f}, nil
}

// filter applies the privacy filter, in the arrays the source handed over (owned).
func (p compiled) filter(in []activity.BucketEvents, owned []bool) []activity.BucketEvents {
	out, _ := p.privacy.ApplyOwned(in, owned)
	return out
}

func (p compiled) derive(in engine.Input) engine.Result { return p.eng.Derive(in) }
