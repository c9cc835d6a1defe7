package syncer

import (
	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/engine"
	"github.com/awcal/awcal/internal/privacy"
)

// pipeline is the engine with one configuration's settings, and the privacy filter applied to
// fetched activity before it.
type pipeline struct {
	eng     *engine.Engine
	privacy *privacy.Filter
}

// newPipeline compiles a configuration's profiles, engine options and privacy rules once per
// run, so that settings changed between runs take effect at the next one.
func newPipeline(cfg config.Config) (pipeline, error) {
	eng, err := engine.New(cfg.Profiles, EngineOptions(cfg))
	if err != nil {
		return pipeline{}, err
	}
	f, err := privacy.New(cfg.Privacy)
	if err != nil {
		return pipeline{}, err
	}
	return pipeline{eng: eng, privacy: f}, nil
}

// EngineOptions are the engine settings of a configuration.
func EngineOptions(cfg config.Config) engine.Options {
	return engine.Options{
		AFKMasking:   cfg.AFKMasking,
		AlwaysActive: cfg.AlwaysActivePattern,
		Browsers:     cfg.BrowserTable(),
	}
}

func (p pipeline) filter(in []activity.BucketEvents) []activity.BucketEvents {
	out, _ := p.privacy.Apply(in)
	return out
}

func (p pipeline) derive(in engine.Input) engine.Result { return p.eng.Derive(in) }
