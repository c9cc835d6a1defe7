package privacy

import "unsafe"

// dataCacheBits sizes a dataCache: 512 slots.
const dataCacheBits = 9

// dataCache remembers a value per data object (an event's data map). The readers intern data
// objects, so a month's window or web events have a few hundred or thousand distinct maps, and a
// small table indexed by the map's address answers most events from the CPU's cache; a map whose
// slot another took is computed again. A slot's id is the map's address (0 when empty): Go's
// collector does not move objects, and a cache lives only while the events holding its maps
// do, so an id names one map.
type dataCache[T any] struct {
	slots [1 << dataCacheBits]dataSlot[T]
}

type dataSlot[T any] struct {
	id uintptr
	v  T
}

// get returns the value for data, computing it with compute on a miss.
func (c *dataCache[T]) get(data map[string]any, compute func(map[string]any) T) T {
	// A map value is a pointer to the map; reading it as a number is the map's identity (what
	// reflect.Value.Pointer returns, without its call on every event).
	id := *(*uintptr)(unsafe.Pointer(&data))
	if s := &c.slots[(uint64(id)*0x9E3779B97F4A7C15)>>(64-dataCacheBits)]; s.id == id && id != 0 {
		return s.v
	}
	return c.miss(id, data, compute)
}

func (c *dataCache[T]) miss(id uintptr, data map[string]any, compute func(map[string]any) T) T {
	s := &c.slots[(uint64(id)*0x9E3779B97F4A7C15)>>(64-dataCacheBits)]
	s.id, s.v = id, compute(data)
	return s.v
}
