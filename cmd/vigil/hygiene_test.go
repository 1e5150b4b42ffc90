//go:build linux

package main

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigil-health/vigil/internal/store/storetest"
)

// Issue 16, item 9: a NUL byte or invalid UTF-8 in a value of an imported
// file makes that row bad, naming the file and the line or row, on either
// store: PostgreSQL's text refuses both, and used to abort the import.
func TestImportBadTextIsABadRow(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	book := filepath.Join(dir, "cmdb.xlsx")
	f, err := os.Create(book)
	if err != nil {
		t.Fatal(err)
	}
	bw := bufio.NewWriter(f)
	x := &xlsxBomb{
		shared: func(w *bufio.Writer) {
			w.WriteString("<sst><si><t>IP Address</t></si><si><t>Host Name</t></si><si><t>bad\xffname</t></si><si><t>nul&#0;name</t></si></sst>")
		},
		sheet: func(w *bufio.Writer) {
			w.WriteString(`<row r="1"><c t="s"><v>0</v></c><c t="s"><v>1</v></c></row>`)
			w.WriteString(`<row r="2"><c t="inlineStr"><is><t>10.0.0.1</t></is></c><c t="s"><v>2</v></c></row>`)
			w.WriteString(`<row r="3"><c t="inlineStr"><is><t>10.0.0.2</t></is></c><c t="s"><v>3</v></c></row>`)
			w.WriteString(`<row r="4"><c t="inlineStr"><is><t>10.0.0.3</t></is></c><c t="inlineStr"><is><t>good</t></is></c></row>`)
		},
	}
	if err := x.write(bw); err != nil {
		t.Fatal(err)
	}
	bw.Flush()
	f.Close()
	files := []struct {
		path string
		bad  []string // what the skipped lines name
	}{
		{write("cmms.csv", "Asset Tag,Model\r\n"+strings.Repeat("A-0,padding\r\n", 700)+"A-1,fine\r\nA-2,nul\x00here\r\n"),
			[]string{"cmms.csv:703", "a NUL byte"}},
		{write("devices.jsonl", `{"asset_tag":"J-1"}`+"\n"+`{"asset_tag":"J-2","hostname":"h\u0000x"}`+"\n"),
			[]string{"devices.jsonl:2", "a NUL byte"}},
		{book, []string{"cmdb.xlsx[Sheet1]:2", "not valid UTF-8", "cmdb.xlsx[Sheet1]:3", "a NUL byte"}},
	}
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			db := storetest.DSN(t, engine)
			for _, file := range files {
				code, out, stderr := run(t, nil, "import", "--db", db, "--source", strings.TrimSuffix(filepath.Base(file.path), filepath.Ext(file.path)), file.path)
				if code != 0 {
					t.Fatalf("import %s: exit %d: %s", file.path, code, stderr)
				}
				for _, want := range file.bad {
					if !strings.Contains(stderr, want) {
						t.Errorf("import %s: stderr lacks %q:\n%s", filepath.Base(file.path), want, stderr)
					}
				}
				if !strings.Contains(out, "imported") {
					t.Errorf("import %s: %s", filepath.Base(file.path), out)
				}
			}
		})
	}
}
