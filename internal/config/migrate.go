package config

// Migrations rewrite the tree of an old config, one version at a time, before it is decoded
// (as syncthing's lib/config/migrations.go does). Each has a fixture in testdata/migrations.
// A migration never drops what the user wrote: a key it does not know stays, and decoding then
// reports it.

// migrations[v] turns a version v tree into a version v+1 tree, recording what it cannot do.
var migrations = []func(root *node, d *decoder){
	0: migrate0to1,
}

// migrate0to1 reads the pre-release shape (no "version" key):
//   - "caldav": {url, username, calendar} became "calendar": {kind "caldav", url, username,
//     calendarPath};
//   - "icsFile": path became "calendar": {kind "ics", path};
//   - the strategy "lastChecked" became "last-checked".
func migrate0to1(root *node, d *decoder) {
	caldav, ics := root.get("caldav"), root.get("icsFile")
	switch {
	case (caldav != nil || ics != nil) && root.get("calendar") != nil:
		d.add("$.calendar", root.get("calendar").line, `an old config cannot have "calendar" beside "caldav" or "icsFile": keep one`)
	case caldav != nil && ics != nil:
		d.add("$.icsFile", ics.line, `an old config cannot have both "caldav" and "icsFile": keep one`)
	case caldav != nil && caldav.kind != kindObject:
		d.add("$.caldav", caldav.line, "must be an object { … }")
	case caldav != nil:
		cal := &node{kind: kindObject, line: caldav.line}
		cal.set("kind", &node{kind: kindString, text: CalendarCalDAV, line: caldav.line})
		for _, f := range caldav.fields {
			if f.key == "calendar" {
				f.key = "calendarPath"
			}
			cal.fields = append(cal.fields, f)
		}
		root.del("caldav")
		root.set("calendar", cal)
	case ics != nil:
		cal := &node{kind: kindObject, line: ics.line}
		cal.set("kind", &node{kind: kindString, text: CalendarICS, line: ics.line})
		cal.set("path", ics)
		root.del("icsFile")
		root.set("calendar", cal)
	}
	if sync := root.get("sync"); sync != nil && sync.kind == kindObject {
		if s := sync.get("strategy"); s != nil && s.kind == kindString && s.text == "lastChecked" {
			s.text = StrategyLastChecked
		}
	}
}
