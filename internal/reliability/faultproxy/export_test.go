package faultproxy

// SetAfterDrop makes the proxy call f after it drops a client's connection.
func (p *Proxy) SetAfterDrop(f func()) { p.afterDrop = f }
