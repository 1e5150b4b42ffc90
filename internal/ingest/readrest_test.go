package ingest

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-health/vigil"
)

// pipelineCSV writes n data rows, some bad (a MAC that is not one), some
// with a dropped value (an unknown criticality), some blank, and returns
// the lines the records, the errors and the warnings must come from.
func pipelineCSV(n int) (data []byte, recLines, errLines, warnLines []int) {
	var b strings.Builder
	b.WriteString("Asset Tag,MAC Address,Criticality,Notes\n")
	line := 1
	for i := range n {
		line++
		switch {
		case i%13 == 5:
			b.WriteString("\n")
			continue
		case i%7 == 3:
			fmt.Fprintf(&b, "A-%d,not-a-mac,Life Support,x\n", i)
			errLines = append(errLines, line)
			continue
		case i%11 == 4:
			fmt.Fprintf(&b, "A-%d,00:11:22:33:%02x:%02x,Whatever,x\n", i, i>>8&0xff, i&0xff)
			warnLines = append(warnLines, line)
		case i%17 == 2:
			fmt.Fprintf(&b, "A-%d,,Diagnostic,\"two\nlines\"\n", i)
			recLines = append(recLines, line)
			line++
			continue
		default:
			fmt.Fprintf(&b, "A-%d,,Diagnostic,x\n", i)
		}
		recLines = append(recLines, line)
	}
	return []byte(b.String()), recLines, errLines, warnLines
}

// TestReadRestInOrder reads a file long enough for readRest's reader
// goroutine: records, errors and warnings in file order, none lost.
func TestReadRestInOrder(t *testing.T) {
	for _, n := range []int{150, 201, 3000, 20000} {
		data, recLines, errLines, warnLines := pipelineCSV(n)
		res, err := Parse(context.Background(), "big.csv", data, Options{Now: testNow})
		if err != nil {
			t.Fatal(err)
		}
		lines := func(n int, at func(int) vigil.Origin) []int {
			var out []int
			for i := range n {
				out = append(out, at(i).Line)
			}
			return out
		}
		if diff := cmp.Diff(recLines, lines(len(res.Records), func(i int) vigil.Origin { return res.Records[i].Origin })); diff != "" {
			t.Fatalf("%d rows: record lines (-want +got):\n%s", n, diff)
		}
		if diff := cmp.Diff(errLines, lines(len(res.Errors), func(i int) vigil.Origin { return res.Errors[i].Origin })); diff != "" {
			t.Fatalf("%d rows: error lines (-want +got):\n%s", n, diff)
		}
		if diff := cmp.Diff(warnLines, lines(len(res.Warnings), func(i int) vigil.Origin { return res.Warnings[i].Origin })); diff != "" {
			t.Fatalf("%d rows: warning lines (-want +got):\n%s", n, diff)
		}
		for _, r := range res.Records {
			if !strings.HasPrefix(r.Fields.Get(vigil.FieldAssetTag), "A-") {
				t.Fatalf("record %s: %v", r.Origin, r.Fields)
			}
		}
	}
}

// waitGoroutines waits for the goroutines to come back to n.
func waitGoroutines(t *testing.T, n int) {
	t.Helper()
	for i := 0; runtime.NumGoroutine() > n; i++ {
		if i == 200 {
			t.Fatalf("%d goroutines, want %d: the row reader did not stop", runtime.NumGoroutine(), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestReadRestStops checks each way readRest ends early: strict mode, a
// cancelled context, a malformed row; the reader goroutine stops each time.
func TestReadRestStops(t *testing.T) {
	base := runtime.NumGoroutine()
	data, _, errLines, _ := pipelineCSV(5000)
	_, err := Parse(context.Background(), "big.csv", data, Options{Now: testNow, Strict: true})
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("big.csv:%d:", errLines[0])) {
		t.Errorf("strict: %v", err)
	}
	// The first bad row past the sample.
	var past int
	for _, l := range errLines {
		if l > 300 {
			past = l
			break
		}
	}
	lines := strings.SplitAfter(string(data), "\n")
	good := strings.Join(append(append([]string{lines[0]}, strings.Repeat("B-1,,Diagnostic,x\n", 500)), lines[past-1:]...), "")
	_, err = Parse(context.Background(), "big.csv", []byte(good), Options{Now: testNow, Strict: true})
	if err == nil || !strings.Contains(err.Error(), "big.csv:502:") {
		t.Errorf("strict past the sample: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err = Parse(ctx, "big.csv", data, Options{Now: testNow}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	bad := strings.Replace(string(data), "A-4000,", `"A-4000"x,`, 1)
	if _, err = Parse(context.Background(), "big.csv", []byte(bad), Options{Now: testNow}); err == nil || !strings.Contains(err.Error(), "extraneous or missing") {
		t.Errorf("bad quote: %v", err)
	}
	waitGoroutines(t, base)
}

// panicRows yields rows, then panics as a broken reader might.
type panicRows struct{ n int }

func (s *panicRows) next() (row, error) {
	s.n++
	switch {
	case s.n == 1:
		return row{cells: []string{"Asset Tag"}, origin: vigil.Origin{Line: s.n}}, nil
	case s.n < 1000:
		return row{cells: []string{fmt.Sprint("A-", s.n)}, origin: vigil.Origin{Line: s.n}}, nil
	}
	panic("reader broke")
}

// TestReadRestPanic passes a panic of the row reader on to the goroutine
// that called readTable, where readXLSX recovers excelize's.
func TestReadRestPanic(t *testing.T) {
	base := runtime.NumGoroutine()
	p := &parser{ctx: context.Background(), name: "x.csv", opt: Options{Now: testNow}, lim: DefaultLimits(), m: newMapper(nil), res: &Result{}}
	func() {
		defer func() {
			if v := recover(); v != "reader broke" {
				t.Errorf("recovered %v", v)
			}
		}()
		p.readTable(&panicRows{}, nil)
		t.Error("readTable returned")
	}()
	waitGoroutines(t, base)
}

// endlessRows never ends: readRest must stop reading it when it returns.
type endlessRows struct{ n int }

func (s *endlessRows) next() (row, error) {
	s.n++
	if s.n == 1 {
		return row{cells: []string{"Asset Tag", "MAC"}}, nil
	}
	mac := ""
	if s.n == 5000 {
		mac = "bad"
	}
	return row{cells: []string{fmt.Sprint("A-", s.n), mac}, origin: vigil.Origin{Line: s.n}}, nil
}

func TestReadRestStopsReader(t *testing.T) {
	base := runtime.NumGoroutine()
	p := &parser{ctx: context.Background(), name: "x.csv", opt: Options{Now: testNow, Strict: true}, lim: DefaultLimits(), m: newMapper(nil), res: &Result{}}
	if err := p.readTable(&endlessRows{}, nil); err == nil || !strings.Contains(err.Error(), "not a MAC address") {
		t.Fatalf("err = %v", err)
	}
	waitGoroutines(t, base)
}
