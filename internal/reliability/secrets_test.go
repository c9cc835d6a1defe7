package reliability_test

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/awcal/awcal/internal/activitywatch/awtest"
	"github.com/awcal/awcal/internal/calendar/caldav/caldavtest"
	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/fakedata"
	"github.com/awcal/awcal/internal/secret"
	"github.com/awcal/awcal/internal/testreal"
)

// requireKeyring skips (or fails under AWCAL_REQUIRE_REAL=1) without a usable Secret Service.
func requireKeyring(t testing.TB) {
	t.Helper()
	_, err := secret.Get("awcal-reliability-probe@nowhere")
	if errors.Is(err, secret.ErrNoService) || errors.Is(err, secret.ErrLocked) {
		testreal.Missing(t, "no usable Secret Service (run under .ci/with-keyring): %v", err)
	}
}

// TestSecretsNeverWritten drives awcal with a real CalDAV server (Radicale) and a real OS keyring
// the way a headless user does — 'awcal password set' from standard input, 'password test',
// syncs, a dry run, --json, a preview, a wrong password and its 401 — and then searches every
// byte awcal wrote (the whole throw-away HOME: config, state, calendar, temp files, caches)
// and every byte it printed for the password, in clear, URL-escaped or inside an HTTP Basic
// header. None may hold it.
func TestSecretsNeverWritten(t *testing.T) {
	requireKeyring(t)
	srv := startRadicale(t)
	data, from, _ := generate(1, fakedata.Normal, 5)
	cal := &davTarget{srv: srv, url: srv.URL, cal: srv.CalendarPath}
	w := newWorld(t, data, func(*home) target { return cal }, nil)
	account := secret.Account(srv.Username, srv.URL)
	t.Cleanup(func() { _ = secret.Delete(account) })
	wrong := "Wr0ng-" + randomHex(t, 12)

	var outputs []result
	do := func(wantCode int, stdin string, args ...string) result {
		t.Helper()
		r := w.h.runInput(t, stdin, args...)
		outputs = append(outputs, r)
		require.Equal(t, wantCode, r.code, "%s", r)
		return r
	}
	cfg := []string{"--config", w.h.config}
	do(0, srv.Password+"\n", append([]string{"password", "set"}, cfg...)...)
	do(0, "", append([]string{"password", "test"}, cfg...)...)
	for i, at := range []time.Time{from.Add(10 * time.Hour), from.Add(13 * time.Hour)} {
		w.rp.advance(at)
		args := append([]string{"sync", "--now", stamp(at)}, cfg...)
		if i == 1 {
			args = append(args, "--json")
		}
		do(0, "", args...)
	}
	at := from.Add(17 * time.Hour)
	w.rp.advance(at)
	do(0, "", append([]string{"sync", "--now", stamp(at), "--dry-run", "--json"}, cfg...)...)
	do(0, "", append([]string{"preview", "--from", stamp(from), "--to", stamp(at), "--json"}, cfg...)...)
	// A wrong password: refused with 401, and neither password shows in what awcal says.
	do(0, wrong+"\n", append([]string{"password", "set"}, cfg...)...)
	r := do(1, "", append([]string{"sync", "--now", stamp(at)}, cfg...)...)
	assert.Contains(t, r.stderr, "401")
	assert.Contains(t, r.stderr, "awcal password set")
	do(1, "", append([]string{"password", "test"}, cfg...)...)
	do(0, srv.Password+"\n", append([]string{"password", "set"}, cfg...)...)
	do(0, "", append([]string{"sync", "--now", stamp(at), "--json"}, cfg...)...)
	require.NotEmpty(t, cal.owned(t), "the syncs wrote nothing: the scan would prove little")

	needles := secretForms(srv.Username, srv.Password, wrong)
	files, size := scanTree(t, w.h.dir, needles)
	for _, r := range outputs {
		for name, text := range map[string]string{"stdout": r.stdout, "stderr": r.stderr} {
			for _, n := range needles {
				assert.NotContains(t, text, n, "awcal %s printed a secret on %s", joinArgs(r.args), name)
			}
		}
	}
	figure(t, "secrets", map[string]any{"filesScanned": files, "bytesScanned": size, "commandsRun": len(outputs),
		"forms": len(needles)})
}

// secretForms are the ways a password could leak: as is, URL-escaped, and in an HTTP Basic
// Authorization value.
func secretForms(user string, passwords ...string) []string {
	var out []string
	for _, pw := range passwords {
		out = append(out, pw, url.QueryEscape(pw), url.PathEscape(pw),
			base64.StdEncoding.EncodeToString([]byte(user+":"+pw)))
	}
	return out
}

// scanTree fails for every file under dir that holds one of needles; it returns how many files
// and bytes it read.
func scanTree(t testing.TB, dir string, needles []string) (files int, size int64) {
	t.Helper()
	require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files++
		size += int64(len(b))
		for _, n := range needles {
			assert.False(t, bytes.Contains(b, []byte(n)), "%s holds a secret (%q…)", p, n[:min(4, len(n))])
		}
		return nil
	}))
	return files, size
}

func randomHex(t testing.TB, n int) string {
	t.Helper()
	b := make([]byte, n)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return hex.EncodeToString(b)
}

// TestPrivateFilesAreOwnerOnly lets awcal create everything itself — the default config on a
// first run, then the state, the .ics calendar and its lock — and checks that every file is
// readable by its owner only (0600) and every folder it made is 0700: activity titles and the
// calendar are private.
func TestPrivateFilesAreOwnerOnly(t *testing.T) {
	data, from, _ := generate(1, fakedata.Normal, 9)
	h := newHome(t)
	aw := awtest.New(t)
	at := from.Add(12 * time.Hour)
	newReplay(aw, data).advance(at)

	// First run: no config yet; awcal writes the default one. It points at aw-server's usual
	// address, where nothing may listen: the run's outcome does not matter here.
	r := h.run(t, "sync", "--now", stamp(at))
	require.FileExists(t, h.config, "the first run created no config: %s", r)
	// Point it at aw-server by editing the file in place, as a person would.
	raw, err := os.ReadFile(h.config)
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(raw, &doc))
	doc["activitywatch"].(map[string]any)["url"] = aw.URL()
	doc["activitywatch"].(map[string]any)["hostnames"] = []string{host}
	raw, err = json.MarshalIndent(doc, "", "  ")
	require.NoError(t, err)
	f, err := os.OpenFile(h.config, os.O_WRONLY|os.O_TRUNC, 0)
	require.NoError(t, err)
	_, err = f.Write(raw)
	require.NoError(t, err)
	require.NoError(t, f.Close())
	h.mustRun(t, "sync", "--now", stamp(at))

	var checked []string
	for _, dir := range []string{filepath.Dir(h.config), filepath.Join(h.getenv("XDG_DATA_HOME"), "awcal")} {
		require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			want := fs.FileMode(0o600)
			if d.IsDir() {
				want = 0o700
			}
			assert.Equal(t, want, info.Mode().Perm(), "%s", p)
			checked = append(checked, strings.TrimPrefix(p, h.dir))
			return nil
		}))
	}
	for _, want := range []string{"config.json", "state.json", "activity.ics"} {
		assert.True(t, containsSuffix(checked, want), "%s was not written: %v", want, checked)
	}
	figure(t, "file-modes", map[string]any{"paths": strings.Join(checked, " ")})
}

func containsSuffix(list []string, suffix string) bool {
	for _, s := range list {
		if strings.HasSuffix(s, "/"+suffix) {
			return true
		}
	}
	return false
}

// TestTLSVerificationCannotBeTurnedOff: the config has no switch that disables certificate
// checks (none among its fields, and a file that tries one is refused), no non-test code sets
// InsecureSkipVerify, and a CalDAV server with a self-signed certificate fails with an error
// that says how to trust it — which then works.
func TestTLSVerificationCannotBeTurnedOff(t *testing.T) {
	t.Run("no such setting", func(t *testing.T) {
		bad := regexp.MustCompile(`(?i)insecure|skip.?verif|no.?verif|verify|tls`)
		for _, name := range jsonNames(reflect.TypeFor[config.Config](), "$") {
			assert.False(t, bad.MatchString(name), "config key %s looks like a TLS switch", name)
		}
		for _, key := range []string{"insecureSkipVerify", "tlsSkipVerify", "verifyTLS"} {
			path := filepath.Join(t.TempDir(), "config.json")
			cfg := config.Default(func(string) string { return "" })
			cfg.Calendar = config.Calendar{Kind: config.CalendarCalDAV, URL: "https://dav.example.com/", Username: "ann", CalendarPath: "/cal/"}
			cfg.Calendar.Path = ""
			raw, err := json.Marshal(cfg)
			require.NoError(t, err)
			raw = bytes.Replace(raw, []byte(`"calendar":{`), []byte(`"calendar":{"`+key+`":true,`), 1)
			require.NoError(t, os.WriteFile(path, raw, 0o600))
			_, err = config.Load(path)
			if assert.Error(t, err, "a config with %s loaded", key) {
				assert.Contains(t, err.Error(), key)
			}
		}
	})
	t.Run("no code turns it off", func(t *testing.T) {
		var offenders []string
		root := moduleRoot()
		require.NoError(t, filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata") {
				return filepath.SkipDir
			}
			if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
				return nil
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if bytes.Contains(b, []byte("InsecureSkipVerify")) {
				offenders = append(offenders, strings.TrimPrefix(p, root))
			}
			return nil
		}))
		assert.Empty(t, offenders, "non-test code mentions InsecureSkipVerify")
	})
	t.Run("self-signed server", func(t *testing.T) {
		requireKeyring(t)
		srv := caldavtest.StartMemory(t, caldavtest.MemoryOptions{TLS: true})
		data, from, _ := generate(1, fakedata.Normal, 4)
		cal := newDAVTarget(t, srv, srv.URL)
		w := newWorld(t, data, func(*home) target { return cal }, nil)
		at := from.Add(12 * time.Hour)
		w.rp.advance(at)
		r := w.sync(t, at)
		require.Equal(t, 1, r.code, "a self-signed server was accepted: %s", r)
		assert.Contains(t, r.stderr, "not trusted")
		assert.Contains(t, r.stderr, "trusted certificate", "the error should say how to trust the server")
		assert.Empty(t, cal.owned(t), "nothing may be written to an untrusted server")

		pem := filepath.Join(w.h.dir, "server.pem")
		require.NoError(t, os.WriteFile(pem, srv.CertPEM, 0o600))
		w.cfg.Calendar.TrustedCertificate = pem
		w.h.writeConfig(t, w.cfg)
		w.mustSync(t, at)
		assert.NotEmpty(t, cal.owned(t), "trusting the certificate should let the sync write")
	})
}

// jsonNames lists the JSON paths of every field of t, recursively.
func jsonNames(t reflect.Type, prefix string) []string {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || t == reflect.TypeFor[time.Time]() {
		return nil
	}
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			name = f.Name
		}
		p := prefix + "." + name
		out = append(out, p)
		out = append(out, jsonNames(f.Type, p)...)
	}
	return out
}
