package vigil

import "context"

// Observer is told, after a change commits, that what it derives from has
// changed: the compliance service re-evaluates the controls after an
// import, the evidence repository gathers its artefacts after an
// evaluation. The binary wires observers once, before use.
type Observer interface {
	Changed(ctx context.Context, actor *User) error
}

// Observers tells each observer in turn, stopping at the first failure.
type Observers []Observer

// Changed tells every observer.
func (os Observers) Changed(ctx context.Context, actor *User) error {
	for _, o := range os {
		if err := o.Changed(ctx, actor); err != nil {
			return err
		}
	}
	return nil
}

// TellChanged tells o, when there is one, that a change committed. The
// change stands whatever o answers, so a failure says what was saved
// (saved, e.g. "the change was saved") and what failed after it.
func TellChanged(ctx context.Context, o Observer, actor *User, saved string) error {
	if o == nil {
		return nil
	}
	if err := o.Changed(ctx, actor); err != nil {
		return WrapError(ErrorCode(err), saved+", but re-evaluating what depends on it failed: "+ErrorMessage(err), err)
	}
	return nil
}
