package pipeline

import (
	"github.com/awcal/awcal/internal/activitywatch"
	"github.com/awcal/awcal/internal/config"
)

// Source is the aw-server client of aw, sending the API key of $AWCAL_AW_API_KEY when set.
func (f *Factory) Source(aw config.ActivityWatch) *activitywatch.Client {
	var opts []activitywatch.Option
	if key := f.env.Getenv(EnvAWAPIKey); key != "" {
		opts = append(opts, activitywatch.WithAPIKey(key))
	}
	return activitywatch.New(aw.URL, opts...)
}
