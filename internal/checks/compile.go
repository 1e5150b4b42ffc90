package checks

import (
	"fmt"
	"slices"
	"strings"

	"cel.dev/cel-go/cel"
)

// compiled is one check turned into CEL programs.
type compiled struct {
	check   *Check
	applies cel.Program // nil: applies to every device
	expr    cel.Program
	reason  cel.Program // nil: the failure reason is the title
}

// costLimit bounds the work one expression may do on one device, so that a
// check cannot stall an evaluation whatever the subject holds.
const costLimit = 1_000_000

// compileCheck type-checks and plans a check's expressions in env.
func compileCheck(env *cel.Env, c *Check) (*compiled, error) {
	out := &compiled{check: c}
	for _, f := range []struct {
		key  string
		src  string
		want *cel.Type
		dst  *cel.Program
	}{
		{"applies_to", c.AppliesTo, cel.BoolType, &out.applies},
		{"expr", c.Expr, cel.BoolType, &out.expr},
		{"reason", c.Reason, cel.StringType, &out.reason},
	} {
		if strings.TrimSpace(f.src) == "" {
			continue
		}
		prg, err := c.compileExpr(env, f.key, f.src, f.want)
		if err != nil {
			return nil, err
		}
		*f.dst = prg
	}
	return out, nil
}

// compileExpr compiles one expression, refusing errors at their place in
// the file.
func (c *Check) compileExpr(env *cel.Env, key, src string, want *cel.Type) (cel.Program, error) {
	ast, iss := env.Compile(src)
	if iss.Err() != nil {
		errs := iss.Errors()
		if len(errs) == 0 {
			return nil, c.errorAt(key, src, 1, 0, iss.Err().Error())
		}
		e := errs[0]
		return nil, c.errorAt(key, src, e.Location.Line(), e.Location.Column(), firstLine(e.Message))
	}
	if !ast.OutputType().IsExactType(want) {
		return nil, c.errorAt(key, src, 1, 0, fmt.Sprintf("must be a %s expression, is %s", want, ast.OutputType()))
	}
	// Every variable read must be declared in reads, so that the file says
	// honestly what data its verdict rests on.
	native := ast.NativeRep()
	for id, ref := range native.ReferenceMap() {
		if ref.Name == "" || len(ref.OverloadIDs) > 0 || slices.Contains(c.Reads, ref.Name) {
			continue
		}
		if !slices.Contains(Variables(), ref.Name) {
			continue
		}
		loc := native.SourceInfo().GetStartLocation(id)
		return nil, c.errorAt(key, src, loc.Line(), loc.Column(),
			fmt.Sprintf("reads %s, which the check's reads does not list", ref.Name))
	}
	prg, err := env.Program(ast, cel.EvalOptions(cel.OptOptimize))
	if err != nil {
		return nil, c.errorAt(key, src, 1, 0, err.Error())
	}
	return prg, nil
}

// errorAt returns a *FileError at the file position of line and column
// (CEL's: line from 1, column from 0) of the expression under key.
func (c *Check) errorAt(key, src string, line, col int, reason string) *FileError {
	e := &FileError{File: c.File, Field: key, Reason: reason}
	if line < 1 {
		line = 1
	}
	if p, ok := c.pos[key]; ok {
		e.Line, e.Column = p.locate(src, line, max(col, 0))
	}
	return e
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
