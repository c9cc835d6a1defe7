package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"github.com/awcal/awcal/internal/config"
	"github.com/awcal/awcal/internal/redact"
	"github.com/awcal/awcal/internal/secret"
)

// maxPasswordBytes bounds what "password set" reads: a password, not a file piped in by mistake.
const maxPasswordBytes = 4096

const passwordUsage = `set|test [--config FILE] [--url URL] [--username NAME] [--calendar PATH]

  set   reads the CalDAV password from the first line of standard input and stores it in the
        OS keyring (service "awcal", account "user@host"), e.g.
          printf '%s\n' "$PASSWORD" | awcal password set
  test  logs in with the stored password, opens the configured calendar and lists the calendars
        on the server

The server, user name and calendar come from the config file; the flags override them.`

// runPassword stores (set) or checks (test) the CalDAV password in the OS keyring.
func runPassword(ctx context.Context, env Env, args []string) int {
	if len(args) == 0 || (args[0] != "set" && args[0] != "test") {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			fmt.Fprintf(env.Stdout, "Usage: awcal password %s\n", passwordUsage)
			return ExitOK
		}
		fmt.Fprintf(env.Stderr, "Usage: awcal password %s\n", passwordUsage)
		return ExitUsage
	}
	sub := args[0]
	flags := newFlagSet(env, "password "+sub, "[--config FILE] [--url URL] [--username NAME] [--calendar PATH]")
	configFlag := flags.String("config", "", "config file (default $"+config.EnvConfig+" or the user config folder's awcal/config.json)")
	urlFlag := flags.String("url", "", "CalDAV server URL (overrides the config's calendar.url)")
	userFlag := flags.String("username", "", "CalDAV user name (overrides the config's calendar.username)")
	calFlag := flags.String("calendar", "", "calendar path on the server (overrides the config's calendar.calendarPath)")
	if code, ok := parseFlags(flags, args[1:]); !ok {
		return code
	}
	prefix := "awcal password " + sub + ": "
	cal, err := passwordCalendar(env, *configFlag, *urlFlag, *userFlag, *calFlag)
	if err != nil {
		fmt.Fprintln(env.Stderr, prefix+err.Error())
		return ExitUsage
	}
	if sub == "set" {
		return passwordSet(env, cal, prefix)
	}
	return passwordTest(ctx, env, cal, prefix)
}

// passwordCalendar is the CalDAV calendar the command is about: the config's, with the flags
// on top. Without a config file the flags alone must name the server and the user.
func passwordCalendar(env Env, configPath, url, username, calendarPath string) (config.Calendar, error) {
	var cal config.Calendar
	if configPath == "" {
		p, err := config.DefaultPath(env.Getenv)
		if err != nil && url == "" {
			return cal, fmt.Errorf("finding the config file: %w; pass --config, or --url and --username", err)
		}
		configPath = p
	}
	if configPath != "" {
		c, err := config.Load(configPath)
		switch {
		case err == nil:
			cal = c.Calendar
			if cal.Kind != config.CalendarCalDAV && url == "" {
				return cal, fmt.Errorf("the calendar in %s is a local .ics file (kind %q), which needs no password; choose a CalDAV server in Settings or pass --url and --username",
					configPath, cal.Kind)
			}
		case errors.Is(err, fs.ErrNotExist) && url != "":
			// The flags say it all.
		case errors.Is(err, fs.ErrNotExist):
			return cal, fmt.Errorf("there is no config file at %s: set up the CalDAV server in Settings first, or pass --url and --username", configPath)
		default:
			return cal, err
		}
	}
	cal.Kind = config.CalendarCalDAV
	if redact.HasCredentials(url) {
		return cal, errors.New("--url must not hold a user name or password: give the server's URL without them, the user name with --username, and the password on standard input")
	}
	if url != "" {
		cal.URL = url
	}
	if username != "" {
		cal.Username = username
	}
	if calendarPath != "" {
		cal.CalendarPath = calendarPath
	}
	switch {
	case strings.TrimSpace(cal.URL) == "":
		return cal, errors.New("no CalDAV server URL: set it in Settings or pass --url")
	case strings.TrimSpace(cal.Username) == "":
		return cal, errors.New("no CalDAV user name: set it in Settings or pass --username")
	}
	return cal, nil
}

// passwordSet stores the first line of standard input as the password.
func passwordSet(env Env, cal config.Calendar, prefix string) int {
	pw, err := readPassword(env.Stdin)
	if err != nil {
		fmt.Fprintln(env.Stderr, prefix+err.Error())
		return ExitUsage
	}
	account := secret.Account(cal.Username, cal.URL)
	if err := secret.Set(account, pw); err != nil {
		fmt.Fprintln(env.Stderr, prefix+err.Error())
		return ExitFailure
	}
	fmt.Fprintf(env.Stdout, "Stored the CalDAV password for %s in the OS keyring. Check it with 'awcal password test'.\n", account)
	return ExitOK
}

// readPassword returns the first line of r without its line ending. Spaces are kept: they
// may be part of the password.
func readPassword(r io.Reader) (string, error) {
	line, err := bufio.NewReader(io.LimitReader(r, maxPasswordBytes+1)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("reading the password from standard input: %w", err)
	}
	line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
	switch {
	case len(line) > maxPasswordBytes:
		return "", fmt.Errorf("the first line of standard input is longer than %d bytes; give only the password", maxPasswordBytes)
	case line == "":
		return "", errors.New("no password on standard input: give it as the first line, e.g. printf '%s\\n' \"$PASSWORD\" | awcal password set")
	}
	return line, nil
}

// passwordTest logs in with the stored password and reports what it found.
func passwordTest(ctx context.Context, env Env, cal config.Calendar, prefix string) int {
	f := env.pipeline()
	creds, _, err := f.Connection(cal, "") // the keyring is read once, here
	if err != nil {
		fmt.Fprintln(env.Stderr, prefix+err.Error())
		return ExitFailure
	}
	pass := string(creds.Password)
	if cal.CalendarPath != "" {
		store, err := f.OpenStore(ctx, cal, pass)
		if err != nil {
			fmt.Fprintln(env.Stderr, prefix+err.Error())
			return ExitFailure
		}
		store.Close()
		where := cal.CalendarPath
		if u, ok := store.(interface{ URL() string }); ok {
			where = u.URL()
		}
		fmt.Fprintf(env.Stdout, "OK: logged in to %s as %s; the calendar %s can be read.\n", cal.URL, cal.Username, where)
	}
	cals, err := f.Discover(ctx, cal, pass)
	if err != nil {
		if cal.CalendarPath != "" {
			// The calendar works; only the listing failed, which syncing does not need.
			fmt.Fprintf(env.Stderr, "%snote: the server's calendar list could not be read: %v\n", prefix, err)
			return ExitOK
		}
		fmt.Fprintln(env.Stderr, prefix+err.Error())
		return ExitFailure
	}
	if cal.CalendarPath == "" {
		fmt.Fprintf(env.Stdout, "OK: logged in to %s as %s. No calendar is chosen yet: press Discover in Settings → Calendar and pick one (calendar.calendarPath).\n",
			cal.URL, cal.Username)
	}
	fmt.Fprintf(env.Stdout, "Calendars on the server:\n")
	for _, c := range cals {
		note := ""
		if !c.SupportsEvents() {
			note = " (no events: cannot be used)"
		}
		fmt.Fprintf(env.Stdout, "  %-30s %s%s\n", c.Name, c.Path, note)
	}
	return ExitOK
}
