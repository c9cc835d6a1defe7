// Package assets embeds awcal's icons as Fyne resources: the application icon and one tray
// icon per sync state. The PNGs are drawn by ./gen (go generate ./assets) and committed.
package assets

//go:generate go run ./gen .

import (
	_ "embed"

	"fyne.io/fyne/v2"
)

var (
	//go:embed app.png
	appPNG []byte
	//go:embed tray-idle.png
	trayIdlePNG []byte
	//go:embed tray-syncing.png
	traySyncingPNG []byte
	//go:embed tray-error.png
	trayErrorPNG []byte
	//go:embed tray-paused.png
	trayPausedPNG []byte
)

// Icons as Fyne resources. The tray icons are plain (not themed) resources on purpose: their
// colour carries the state, so the desktop must not recolour them.
var (
	AppIcon     fyne.Resource = fyne.NewStaticResource("awcal.png", appPNG)
	TrayIdle    fyne.Resource = fyne.NewStaticResource("tray-idle.png", trayIdlePNG)
	TraySyncing fyne.Resource = fyne.NewStaticResource("tray-syncing.png", traySyncingPNG)
	TrayError   fyne.Resource = fyne.NewStaticResource("tray-error.png", trayErrorPNG)
	TrayPaused  fyne.Resource = fyne.NewStaticResource("tray-paused.png", trayPausedPNG)
)
