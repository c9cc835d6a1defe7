package cli

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/config"
)

func decodeReview(t *testing.T, stdout string) reviewJSON {
	t.Helper()
	var out reviewJSON
	require.NoError(t, json.Unmarshal([]byte(stdout), &out), stdout)
	return out
}

func TestReviewCommand(t *testing.T) {
	for _, mode := range []string{config.ReviewHold, config.ReviewTentative} {
		t.Run(mode, func(t *testing.T) {
			_, cfgPath, cfg := syncSetup(t)
			cfg.Sync.Review = mode
			require.NoError(t, config.Save(cfgPath, cfg))
			code, stdout, stderr := runCmd(t, nil, "sync", "--config", cfgPath, "--now", "2026-03-02T15:00:00Z", "--json")
			require.Equal(t, ExitOK, code, stderr)
			synced := decodeSync(t, stdout)
			assert.Equal(t, mode == config.ReviewHold, synced.Held, "the counts are of held proposals under hold only")
			assert.Equal(t, 3, synced.Created)

			code, stdout, stderr = runCmd(t, nil, "review", "--config", cfgPath, "--json")
			require.Equal(t, ExitOK, code, stderr)
			list := decodeReview(t, stdout)
			require.Len(t, list.Proposals, 3)
			p := list.Proposals[0]
			assert.Equal(t, "coding", p.Profile)
			assert.Equal(t, at(9, 0), p.Start)
			assert.Equal(t, at(10, 0), p.End)
			assert.Equal(t, p.UID[:8], p.ID)
			assert.NotEmpty(t, p.Evidence)
			assert.Equal(t, mode == config.ReviewHold, p.Held)

			code, stdout, stderr = runCmd(t, nil, "review", "--config", cfgPath, "--from", "2026-03-02T12:00:00Z")
			require.Equal(t, ExitOK, code, stderr)
			assert.Contains(t, stdout, list.Proposals[2].ID)
			assert.NotContains(t, stdout, list.Proposals[0].ID, "--from narrows the list")

			code, _, stderr = runCmd(t, nil, "review", "approve", "--config", cfgPath, "nosuchid")
			assert.Equal(t, ExitUsage, code)
			assert.Contains(t, stderr, "awcal review")
			assert.Contains(t, stderr, "to list the pending proposals")

			code, stdout, stderr = runCmd(t, nil, "review", "approve", list.Proposals[0].ID, "--config", cfgPath)
			require.Equal(t, ExitOK, code, stderr)
			assert.Contains(t, stdout, "Approved "+list.Proposals[0].ID)

			code, stdout, stderr = runCmd(t, nil, "review", "reject", "--config", cfgPath, list.Proposals[1].ID)
			require.Equal(t, ExitOK, code, stderr)
			assert.Contains(t, stdout, "Rejected "+list.Proposals[1].ID)

			code, stdout, stderr = runCmd(t, nil, "review", "edit", list.Proposals[2].ID, "--config", cfgPath,
				"--title", "Sync engine", "--end", "2026-03-02T13:45:00Z")
			require.Equal(t, ExitOK, code, stderr)
			assert.Contains(t, stdout, "Sync engine")

			code, stdout, stderr = runCmd(t, nil, "review", "--config", cfgPath, "--json")
			require.Equal(t, ExitOK, code, stderr)
			assert.Empty(t, decodeReview(t, stdout).Proposals)

			ics, err := os.ReadFile(cfg.Calendar.Path)
			require.NoError(t, err)
			text := string(ics)
			assert.Equal(t, 2, strings.Count(text, "STATUS:CONFIRMED"), text)
			assert.Contains(t, text, "SUMMARY:Sync engine")
			assert.NotContains(t, text, "Standup", "the rejected proposal is not in the calendar")
			assert.Contains(t, text, "UID:"+list.Proposals[0].UID, "an approved block keeps its UID")

			code, _, stderr = runCmd(t, nil, "sync", "--config", cfgPath, "--from", "2026-03-02", "--to", "2026-03-02T15:00:00Z",
				"--now", "2026-03-02T15:10:00Z")
			require.Equal(t, ExitOK, code, stderr)
			after, err := os.ReadFile(cfg.Calendar.Path)
			require.NoError(t, err)
			assert.Equal(t, text, string(after), "a backfill changes nothing approved and proposes nothing rejected")
			code, stdout, _ = runCmd(t, nil, "review", "--config", cfgPath)
			require.Equal(t, ExitOK, code)
			assert.Contains(t, stdout, "No pending proposals.")
		})
	}
}

func TestReviewCommandUsage(t *testing.T) {
	_, cfgPath, _ := syncSetup(t)
	for _, args := range [][]string{
		{"review", "frobnicate"},
		{"review", "approve", "--config", cfgPath},
		{"review", "approve", "--all", "abcd", "--config", cfgPath},
		{"review", "approve", "abcd", "--until", "2026-03-02", "--config", cfgPath},
		{"review", "reject", "--config", cfgPath},
		{"review", "edit", "--config", cfgPath},
		{"review", "--from", "yesterday", "--config", cfgPath},
	} {
		code, _, stderr := runCmd(t, nil, args...)
		assert.Equal(t, ExitUsage, code, "%v: %s", args, stderr)
		assert.NotEmpty(t, stderr)
	}
}

func TestSyncTextSaysWhatWasHeldForReview(t *testing.T) {
	_, cfgPath, cfg := syncSetup(t)
	cfg.Sync.Review = config.ReviewHold
	require.NoError(t, config.Save(cfgPath, cfg))
	code, stdout, stderr := runCmd(t, nil, "sync", "--config", cfgPath, "--now", "2026-03-02T15:00:00Z")
	require.Equal(t, ExitOK, code, stderr)
	assert.Contains(t, stdout, "for review: 3 new proposals, 0 to update, 0 to withdraw, 0 unchanged; the calendar is unchanged")
	assert.NotContains(t, stdout, "created", "held proposals are not calendar creates")
	_, err := os.Stat(cfg.Calendar.Path)
	assert.ErrorIs(t, err, os.ErrNotExist, "nothing was written to the calendar")
}
