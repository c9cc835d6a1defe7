package engine

// memo remembers a string per interned id (a data or match id), so that what depends only on
// one distinct state is worked out once per derivation, and found again by indexing.
type memo struct {
	val []string
	has []bool
}

func (m *memo) get(id int32) (string, bool) {
	if int(id) < len(m.has) && m.has[id] {
		return m.val[id], true
	}
	return "", false
}

func (m *memo) put(id int32, v string) {
	if n := int(id) + 1; n > len(m.has) {
		m.val = append(m.val, make([]string, n-len(m.val))...)
		m.has = append(m.has, make([]bool, n-len(m.has))...)
	}
	m.val[id], m.has[id] = v, true
}
