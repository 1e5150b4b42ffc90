package worksheet

import "io"

// inflateAheadSize is the sheet size past which inflateAhead pays (a
// variable for the tests).
var inflateAheadSize uint64 = 4 << 20

// inflateAhead returns a reader of src that inflates it in a goroutine of
// its own, a few chunks ahead of the reads, so that decompression and
// parsing use two cores. Closing the reader stops the goroutine, then
// closes src.
func inflateAhead(src io.ReadCloser) io.ReadCloser {
	const chunks, chunkSize = 3, 256 << 10
	r := &aheadReader{
		full:  make(chan []byte, chunks),
		empty: make(chan []byte, chunks),
		stop:  make(chan struct{}),
		done:  make(chan struct{}),
		src:   src,
	}
	for range chunks {
		r.empty <- make([]byte, chunkSize)
	}
	go r.run()
	return r
}

// aheadReader is inflateAhead's reader.
type aheadReader struct {
	full, empty chan []byte   // chunks read from src, and chunks to fill
	stop, done  chan struct{} // closed by Close, and by run when it returns
	src         io.ReadCloser
	err         error  // what ended src, other than io.EOF; set before full is closed
	cur, chunk  []byte // the unread part of the current chunk, and the whole of it
	closed      bool
}

// run fills chunks from src until it ends or Close is called.
func (r *aheadReader) run() {
	defer close(r.done)
	defer close(r.full)
	for {
		var buf []byte
		select {
		case buf = <-r.empty:
		case <-r.stop:
			return
		}
		n := 0
		var err error
		for n < len(buf) && err == nil {
			var m int
			m, err = r.src.Read(buf[n:])
			n += m
		}
		if n > 0 {
			select {
			case r.full <- buf[:n]:
			case <-r.stop:
				return
			}
		}
		if err != nil {
			if err != io.EOF {
				r.err = err
			}
			return
		}
	}
}

func (r *aheadReader) Read(p []byte) (int, error) {
	if len(r.cur) == 0 {
		if r.chunk != nil {
			r.empty <- r.chunk[:cap(r.chunk)]
			r.chunk = nil
		}
		buf, ok := <-r.full
		if !ok {
			if r.err != nil {
				return 0, r.err
			}
			return 0, io.EOF
		}
		r.cur, r.chunk = buf, buf
	}
	n := copy(p, r.cur)
	r.cur = r.cur[n:]
	return n, nil
}

func (r *aheadReader) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	close(r.stop)
	<-r.done
	return r.src.Close()
}
