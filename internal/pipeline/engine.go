package pipeline

import (
	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/engine"
	"github.com/awcal/awcal/internal/privacy"
)

// EngineOptions are the engine settings of a configuration: AFK masking, the always-active
// pattern and the browser table.
func EngineOptions(cfg config.Config) engine.Options {
	return engine.Options{
		AFKMasking:   cfg.AFKMasking,
		AlwaysActive: cfg.AlwaysActivePattern,
		Browsers:     cfg.BrowserTable(),
	}
}

// Engine compiles the configuration's profiles (the enabled ones) with its EngineOptions. An
// invalid profile or pattern is a *ConfigError naming every problem.
func Engine(cfg config.Config) (*engine.Engine, error) {
	e, err := engine.New(cfg.Profiles, EngineOptions(cfg))
	if err != nil {
		return nil, &ConfigError{Err: err}
	}
	return e, nil
}

// Privacy compiles the configuration's privacy rules; an invalid rule is a *ConfigError.
func Privacy(cfg config.Config) (*privacy.Filter, error) {
	f, err := privacy.New(cfg.Privacy)
	if err != nil {
		return nil, &ConfigError{Err: err}
	}
	return f, nil
}
