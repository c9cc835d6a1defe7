package activitywatch

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/awcal/awcal/internal/activity"
)

// Info is aw-server's /api/0/info.
type Info struct {
	Hostname string `json:"hostname"`
	Version  string `json:"version"`
	Testing  bool   `json:"testing"`
	DeviceID string `json:"device_id"`
}

// Info asks aw-server who it is. It is the cheapest way to test the connection (aw-server-rust
// answers it even without the API key).
func (c *Client) Info(ctx context.Context) (Info, error) {
	body, err := c.get(ctx, "/api/0/info", nil)
	if err != nil {
		return Info{}, err
	}
	var info Info
	if err := json.Unmarshal(body, &info); err != nil {
		return Info{}, fmt.Errorf("aw-server at %s sent invalid JSON for /api/0/info: %w", c.URL(), err)
	}
	return info, nil
}

// Buckets lists every bucket, sorted by id.
func (c *Client) Buckets(ctx context.Context) ([]activity.Bucket, error) {
	body, err := c.get(ctx, "/api/0/buckets/", nil)
	if err != nil {
		return nil, err
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(replaceNonFinite(body), &raw); err != nil {
		return nil, fmt.Errorf("aw-server at %s sent invalid JSON for /api/0/buckets/: %w", c.URL(), err)
	}
	buckets := make([]activity.Bucket, 0, len(raw))
	for id, r := range raw {
		b, err := decodeBucket(id, r)
		if err != nil {
			return nil, fmt.Errorf("aw-server at %s sent an invalid bucket %q: %w", c.URL(), id, err)
		}
		buckets = append(buckets, b)
	}
	sort.Slice(buckets, func(i, j int) bool { return buckets[i].ID < buckets[j].ID })
	return buckets, nil
}

// ResolveBuckets returns the buckets with the given ids, in that order (a repeated id once).
// An id that does not exist is a *BucketNotFoundError listing the ids that do.
func (c *Client) ResolveBuckets(ctx context.Context, ids []string) ([]activity.Bucket, error) {
	all, err := c.Buckets(ctx)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]activity.Bucket, len(all))
	for _, b := range all {
		byID[b.ID] = b
	}
	out := make([]activity.Bucket, 0, len(ids))
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		b, ok := byID[id]
		if !ok {
			existing := make([]string, len(all))
			for i, b := range all {
				existing[i] = b.ID
			}
			return nil, &BucketNotFoundError{ID: id, Existing: existing}
		}
		out = append(out, b)
	}
	return out, nil
}

// rawBucket is a bucket as both servers and both export formats write it.
type rawBucket struct {
	ID          string          `json:"id"`
	Type        string          `json:"type"`
	Client      string          `json:"client"`
	Hostname    string          `json:"hostname"`
	Created     json.RawMessage `json:"created"`
	Data        json.RawMessage `json:"data"`
	LastUpdated json.RawMessage `json:"last_updated"`
	Events      json.RawMessage `json:"events"`
}

// decodeBucket decodes a bucket stored under key. Times that do not parse are left zero: a
// bucket is still usable without them.
func decodeBucket(key string, raw json.RawMessage) (activity.Bucket, error) {
	b, _, err := decodeRawBucket(key, raw)
	return b, err
}

func decodeRawBucket(key string, raw json.RawMessage) (activity.Bucket, rawBucket, error) {
	var r rawBucket
	if err := json.Unmarshal(raw, &r); err != nil {
		return activity.Bucket{}, r, fmt.Errorf("not a bucket object: %w", err)
	}
	b := activity.Bucket{
		ID:          r.ID,
		Type:        r.Type,
		Client:      r.Client,
		Hostname:    r.Hostname,
		Created:     optionalTime(r.Created),
		LastUpdated: optionalTime(r.LastUpdated),
	}
	if b.ID == "" {
		b.ID = key
	}
	data, err := decodeData(r.Data)
	if err != nil {
		return activity.Bucket{}, r, fmt.Errorf("data: %w", err)
	}
	if len(data) > 0 {
		b.Data = data
	}
	return b, r, nil
}

func optionalTime(raw json.RawMessage) time.Time {
	t, err := decodeTime(raw)
	if err != nil {
		return time.Time{}
	}
	return t
}
