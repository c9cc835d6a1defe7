package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"net/url"
	"text/tabwriter"
	"time"

	"github.com/awcal/awcal/internal/activity"
	"github.com/awcal/awcal/internal/activitywatch"
	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/pipeline"
	"github.com/awcal/awcal/internal/redact"
)

// Where aw-server is when nothing says otherwise.
const (
	defaultAWURL = "http://127.0.0.1:5600"
	envAWURL     = "AWCAL_AW_URL"
)

// bucketsJSON is the stable --json output of "awcal buckets":
//
//	{"server": {"url", "hostname", "version"},
//	 "buckets": [{"id", "type", "client", "hostname", "lastEvent"}]}
//
// lastEvent is RFC 3339 in UTC, or null for a bucket without events.
type bucketsJSON struct {
	Server struct {
		URL      string `json:"url"`
		Hostname string `json:"hostname"`
		Version  string `json:"version"`
	} `json:"server"`
	Buckets []bucketJSON `json:"buckets"`
}

type bucketJSON struct {
	ID        string     `json:"id"`
	Type      string     `json:"type"`
	Client    string     `json:"client"`
	Hostname  string     `json:"hostname"`
	LastEvent *time.Time `json:"lastEvent"`
}

// runBuckets tests the connection to aw-server and lists its buckets with the time of their
// last event.
func runBuckets(ctx context.Context, env Env, args []string) int {
	fs := newFlagSet(env, "buckets", "[--url URL] [--api-key-env NAME] [--json]")
	defURL := env.Getenv(envAWURL)
	if defURL == "" {
		defURL = defaultAWURL
	}
	urlFlag := fs.String("url", defURL, "aw-server's address (default from $"+envAWURL+")")
	keyEnv := fs.String("api-key-env", pipeline.EnvAWAPIKey,
		"environment variable that holds aw-server's API key (its config.toml [auth] api_key), if it requires one")
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}

	if u, err := url.Parse(*urlFlag); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		fmt.Fprintf(env.Stderr, "awcal buckets: --url %q is not an address: set it like %s\n", redact.Text(*urlFlag), defaultAWURL)
		return ExitUsage
	}
	if env.Getenv(*keyEnv) == "" && bucketsFlagGiven(fs, "api-key-env") {
		fmt.Fprintf(env.Stderr, "awcal buckets: $%s is empty: put aw-server's API key in it, or leave --api-key-env out\n", *keyEnv)
		return ExitUsage
	}
	// The pipeline's source, with the API key read from the variable --api-key-env names.
	client := pipeline.New(pipeline.Env{Getenv: func(k string) string {
		if k == pipeline.EnvAWAPIKey {
			k = *keyEnv
		}
		return env.Getenv(k)
	}}).Source(config.ActivityWatch{URL: *urlFlag})

	info, err := client.Info(ctx)
	if err != nil {
		fmt.Fprintf(env.Stderr, "awcal buckets: %v\n", err)
		return ExitFailure
	}
	buckets, err := client.Buckets(ctx)
	if err != nil {
		fmt.Fprintf(env.Stderr, "awcal buckets: %v\n", err)
		return ExitFailure
	}
	lasts := make([]time.Time, len(buckets))
	for i, b := range buckets {
		if lasts[i], err = lastEventTime(ctx, client, b); err != nil {
			fmt.Fprintf(env.Stderr, "awcal buckets: %v\n", err)
			return ExitFailure
		}
	}

	if *asJSON {
		err = writeBucketsJSON(env.Stdout, client.URL(), info, buckets, lasts)
	} else {
		err = writeBucketsTable(env.Stdout, client.URL(), info, buckets, lasts)
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "awcal buckets: writing the list: %v\n", err)
		return ExitFailure
	}
	return ExitOK
}

// lastEventTime is the end of b's newest event: aw-server's last_updated when it reports one,
// else asked for (zero when the bucket is empty).
func lastEventTime(ctx context.Context, c *activitywatch.Client, b activity.Bucket) (time.Time, error) {
	if !b.LastUpdated.IsZero() {
		return b.LastUpdated, nil
	}
	ev, found, err := c.LastEvent(ctx, b.ID)
	if err != nil || !found {
		return time.Time{}, err
	}
	return ev.Timestamp.Add(time.Duration(math.Round(ev.Duration * float64(time.Second)))), nil
}

func writeBucketsTable(w io.Writer, serverURL string, info activitywatch.Info, buckets []activity.Bucket, lasts []time.Time) error {
	ew := &stickyWriter{w: w}
	fmt.Fprintf(ew, "aw-server %s on %s at %s: %d buckets\n", info.Version, info.Hostname, serverURL, len(buckets))
	if len(buckets) == 0 {
		fmt.Fprintln(ew, "No buckets yet: start the ActivityWatch watchers (aw-watcher-window, aw-watcher-afk).")
		return ew.err
	}
	fmt.Fprintln(ew)
	tw := tabwriter.NewWriter(ew, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tTYPE\tHOSTNAME\tLAST EVENT")
	for i, b := range buckets {
		last := "(no events)"
		if !lasts[i].IsZero() {
			last = lasts[i].Local().Format("2006-01-02 15:04:05 -07:00")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", b.ID, b.Type, b.Hostname, last)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	return ew.err
}

func writeBucketsJSON(w io.Writer, serverURL string, info activitywatch.Info, buckets []activity.Bucket, lasts []time.Time) error {
	var out bucketsJSON
	out.Server.URL, out.Server.Hostname, out.Server.Version = serverURL, info.Hostname, info.Version
	out.Buckets = make([]bucketJSON, len(buckets))
	for i, b := range buckets {
		out.Buckets[i] = bucketJSON{ID: b.ID, Type: b.Type, Client: b.Client, Hostname: b.Hostname}
		if !lasts[i].IsZero() {
			t := lasts[i].UTC()
			out.Buckets[i].LastEvent = &t
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// bucketsFlagGiven reports whether the named flag was given on the command line.
func bucketsFlagGiven(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// stickyWriter keeps the first write error so a sequence of prints is checked once.
type stickyWriter struct {
	w   io.Writer
	err error
}

func (e *stickyWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	if err != nil {
		e.err = err
	}
	return n, err
}
