package checks

import (
	"strings"

	"go.yaml.in/yaml/v3"
)

// scalarPos locates an expression's text in its YAML file, so that a CEL
// error at an offset in the expression can name a line and column of the
// file. Each entry is one line of the scalar's text as written.
type scalarPos struct {
	lines []posLine
}

// posLine is one line of a scalar: its line in the file, the column its
// text starts at, and the text.
type posLine struct {
	line, col int
	text      string
}

// newScalarPos records where the value node v of the key at column keyCol
// sits in the file's lines. Block scalars (| and >) start on the line after
// their indicator, at the indentation of their first non-blank line, and
// end before the first line indented less. Plain and quoted scalars start
// at the node and continue on the following lines indented past the key,
// trimmed as YAML folds them.
func newScalarPos(v *yaml.Node, keyCol int, lines []string) scalarPos {
	var p scalarPos
	if v.Line < 1 || v.Line > len(lines) {
		return p
	}
	indentOf := func(l string) int { return len(l) - len(strings.TrimLeft(l, " ")) }
	if v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		indent := -1
		for i := v.Line; i < len(lines); i++ { // lines[v.Line] is the line after the indicator
			l := strings.TrimRight(lines[i], "\r")
			if strings.TrimSpace(l) == "" {
				p.lines = append(p.lines, posLine{line: i + 1, col: 1})
				continue
			}
			if indent < 0 {
				indent = indentOf(l)
			}
			if indentOf(l) < indent {
				break
			}
			p.lines = append(p.lines, posLine{line: i + 1, col: indent + 1, text: l[indent:]})
		}
		return p
	}
	start := v.Column - 1
	if v.Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle) != 0 {
		start++
	}
	first := strings.TrimRight(lines[v.Line-1], "\r ")
	start = min(start, len(first))
	p.lines = append(p.lines, posLine{line: v.Line, col: start + 1, text: first[start:]})
	for i := v.Line; i < len(lines); i++ {
		l := strings.TrimRight(lines[i], "\r ")
		if strings.TrimSpace(l) == "" || indentOf(l) < keyCol {
			break
		}
		p.lines = append(p.lines, posLine{line: i + 1, col: indentOf(l) + 1, text: strings.TrimLeft(l, " ")})
	}
	return p
}

// locate maps a CEL location in the expression (line from 1, column from
// 0) to a line and column (both from 1) in the file. It walks the
// expression's offset across the scalar's lines, each joined to the next
// by one character (the newline of a literal block, the space YAML folds a
// line break into).
func (p scalarPos) locate(expr string, line, col int) (int, int) {
	if len(p.lines) == 0 {
		return 0, 0
	}
	off := 0
	for i, l := range strings.SplitAfter(expr, "\n") {
		if i+1 >= line {
			break
		}
		off += len([]rune(l))
	}
	off += col
	for _, l := range p.lines {
		n := len([]rune(l.text))
		if off <= n {
			return l.line, l.col + off
		}
		off -= n + 1
	}
	last := p.lines[len(p.lines)-1]
	return last.line, last.col + len([]rune(last.text))
}
