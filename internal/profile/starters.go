package profile

// App-name alternations shared by the starter profiles. aw-watcher-window reports the process or
// WM_CLASS on Linux ("Code", "gnome-terminal-server"), the executable on Windows ("Code.exe")
// and the application name on macOS ("Visual Studio Code"); rules are case-insensitive and
// anchored so that a short name like "code" does not match "Xcode Helper" by accident.
const (
	editorApps = `code|code - oss|code-oss|codium|vscodium|visual studio code|cursor|zed|` +
		`sublime_text|sublime text|gvim|nvim|neovide|vim|emacs|idea|idea64|intellij idea|goland|goland64|` +
		`pycharm|pycharm64|clion|clion64|webstorm|webstorm64|rider|rider64|rustrover|android studio|studio64|` +
		`xcode|kate|gnome-text-editor|helix`
	terminalApps = `gnome-terminal|gnome-terminal-server|konsole|alacritty|kitty|wezterm|wezterm-gui|` +
		`xterm|urxvt|terminator|tilix|foot|terminal|iterm2|windowsterminal|ptyxis|ghostty|warp`
	browserApps = `firefox|firefox-esr|librewolf|waterfox|floorp|zen|google-chrome|google chrome|chrome|` +
		`chromium|chromium-browser|brave|brave-browser|msedge|microsoft-edge|microsoft edge|safari|` +
		`vivaldi|vivaldi-stable|opera|arc`
)

// Starters returns the profiles a new installation begins with: Coding, Meetings,
// Communication, Research and Writing. Their titles name the work ("Coding · awcal",
// "Meeting · Weekly sync", "Research · en.wikipedia.org"). A config keeps the profiles it was
// saved with: changing the starters changes new installs and "Add starter profiles", never
// existing profiles. They have stable ids so that re-adding a starter never orphans its past
// events. They are ordered so that, on equal evidence, the more specific profile wins
// (ENGINE.md §5: ties go to the profile listed first). Their soft break is 5 minutes: a short
// detour (a chat message, a look at the mail) does not split a session (issue 16).
func Starters() []Profile {
	return []Profile{
		{
			ID: "coding", Name: "Coding", Category: "Work", Color: "#4c8bf5",
			Threshold: 5, SoftBreak: 5, TitleTemplate: "Coding · {project}", Enabled: true,
			Primary: []Rule{
				{Bucket: "window", Field: "app", Pattern: `^(` + editorApps + `)(\.exe)?$`, Regex: true},
				{Bucket: "window", Field: "app", Pattern: `^(` + terminalApps + `)(\.exe)?$`, Regex: true},
				{Bucket: "editor", Field: "file", Pattern: `.`, Regex: true},
			},
			Supporting: []Rule{
				// Reading documentation and code review keep a coding session going, but do not
				// start one.
				{Bucket: "web", Field: "url", Pattern: `^https?://([a-z0-9-]+\.)*(github\.com|gitlab\.com|codeberg\.org|` +
					`bitbucket\.org|stackoverflow\.com|stackexchange\.com|go\.dev|docs\.rs|crates\.io|` +
					`developer\.mozilla\.org|readthedocs\.io|python\.org|npmjs\.com|localhost)([:/]|$)`, Regex: true},
			},
		},
		{
			ID: "meetings", Name: "Meetings", Category: "Meetings", Color: "#d93025",
			Threshold: 2, SoftBreak: 5, TitleTemplate: "Meeting · {title}", Enabled: true,
			Primary: []Rule{
				{Bucket: "window", Field: "app", Pattern: `^(zoom|zoom\.us|zoom workplace|teams|ms-teams|teams-for-linux|microsoft teams|` +
					`webex|ciscowebexstart|skype|jitsi meet)(\.exe)?$`, Regex: true},
				{Bucket: "window", Field: "title", Pattern: `^meet - |google meet|zoom meeting`, Regex: true},
				{Bucket: "web", Field: "url", Pattern: `^https?://(meet\.google\.com|([a-z0-9-]+\.)*zoom\.us/(j|wc)/|` +
					`teams\.microsoft\.com|teams\.live\.com|meet\.jit\.si|([a-z0-9-]+\.)*webex\.com|whereby\.com)`, Regex: true},
			},
		},
		{
			ID: "communication", Name: "Communication", Category: "Communication", Color: "#1e8e3e",
			Threshold: 3, SoftBreak: 5, TitleTemplate: "{app}", Enabled: true,
			Primary: []Rule{
				{Bucket: "window", Field: "app", Pattern: `^(slack|thunderbird|thunderbird-esr|betterbird|discord|signal|` +
					`signal-desktop|telegram|telegram-desktop|telegramdesktop|element|mattermost|outlook|olk|evolution|` +
					`geary|mail|mailspring|whatsapp)(\.exe)?$`, Regex: true},
				{Bucket: "web", Field: "url", Pattern: `^https?://(mail\.google\.com|outlook\.(office|office365|live)\.com|` +
					`([a-z0-9-]+\.)*slack\.com|discord\.com|web\.whatsapp\.com|web\.telegram\.org|app\.element\.io|` +
					`mail\.proton\.me|app\.fastmail\.com)`, Regex: true},
			},
		},
		{
			ID: "research", Name: "Research", Category: "Work", Color: "#a142f4",
			Threshold: 10, SoftBreak: 5, TitleTemplate: "Research · {site}", Enabled: true,
			Primary: []Rule{
				// Any tab of the focused browser (ENGINE.md §2 admits only those) that belongs
				// to no other starter: those profiles should own that time.
				{Bucket: "web", Field: "url", Pattern: `^https?://(mail\.google\.com|meet\.google\.com|` +
					`outlook\.(office|office365|live)\.com|([a-z0-9-]+\.)*slack\.com|teams\.microsoft\.com|` +
					`web\.whatsapp\.com|discord\.com|docs\.google\.com/document|([a-z0-9-]+\.)*overleaf\.com|` +
					`([a-z0-9-]+\.)*zoom\.us)`, Regex: true, Negate: true},
			},
			Supporting: []Rule{
				// Without aw-watcher-web only the focused browser is known: that keeps a session
				// going but cannot tell research from webmail, so it does not start one.
				{Bucket: "window", Field: "app", Pattern: `^(` + browserApps + `)(\.exe)?$`, Regex: true},
			},
		},
		{
			ID: "writing", Name: "Writing", Category: "Work", Color: "#e8710a",
			Threshold: 5, SoftBreak: 5, TitleTemplate: "{app} - {title}", Enabled: true,
			Primary: []Rule{
				{Bucket: "window", Field: "app", Pattern: `^(libreoffice|soffice|soffice\.bin|libreoffice-writer|` +
					`libreoffice writer|writer|obsidian|typora|ghostwriter|marktext|zettlr|logseq|joplin|notion|` +
					`scrivener|winword|microsoft word|pages|abiword|focuswriter|apostrophe)(\.exe)?$`, Regex: true},
				{Bucket: "web", Field: "url", Pattern: `^https?://(docs\.google\.com/document|([a-z0-9-]+\.)*overleaf\.com|` +
					`([a-z0-9-]+\.)*notion\.so|hackmd\.io)`, Regex: true},
			},
		},
	}
}
