package udi

import (
	"fmt"
	"time"
)

// Two-digit years are read with a fixed pivot rather than GS1's window
// around the current year, so that reading a UDI never depends on the
// clock: 70 to 99 are 1970 to 1999, 00 to 69 are 2000 to 2069.
const pivot = 70

func century(yy int) int {
	if yy >= pivot {
		return 1900 + yy
	}
	return 2000 + yy
}

// digits reads n decimal digits at s[off:], or reports where they stop.
func digits(s string, off, n int) (int, error) {
	if off+n > len(s) {
		return 0, errAt(len(s), "%d digits expected, the text ends", n)
	}
	v := 0
	for i := off; i < off+n; i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, errAt(i, "digit expected")
		}
		v = v*10 + int(c-'0')
	}
	return v, nil
}

// date returns the calendar date, or an error at off when it does not
// exist.
func date(off, year, month, day int) (string, error) {
	if month < 1 || month > 12 {
		return "", errAt(off, "month %d is not 1 to 12", month)
	}
	t := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	if day < 1 || t.Day() != day {
		return "", errAt(off, "day %d does not exist in %04d-%02d", day, year, month)
	}
	return t.Format(time.DateOnly), nil
}

// lastDay is the last day of a month.
func lastDay(year, month int) int {
	return time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// yymmdd reads a GS1 date; day 00 means the month's last day.
func yymmdd(s string, off int) (string, error) {
	yy, err := digits(s, off, 2)
	if err != nil {
		return "", err
	}
	mm, err := digits(s, off+2, 2)
	if err != nil {
		return "", err
	}
	dd, err := digits(s, off+4, 2)
	if err != nil {
		return "", err
	}
	y := century(yy)
	if dd == 0 && mm >= 1 && mm <= 12 {
		dd = lastDay(y, mm)
	}
	return date(off, y, mm, dd)
}

// julian returns the date of day jjj of a year, or an error at off.
func julian(off, year, jjj int) (string, error) {
	days := 365
	if time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC).YearDay() == 366 {
		days = 366
	}
	if jjj < 1 || jjj > days {
		return "", errAt(off, "day of year %d is not 1 to %d", jjj, days)
	}
	return time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, jjj-1).Format(time.DateOnly), nil
}

// parseISO reads a "2006-01-02" date of a UDI being formatted.
func parseISO(what, d string) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, d)
	if err != nil {
		return time.Time{}, fmt.Errorf("udi: %s %q is not a date (YYYY-MM-DD)", what, d)
	}
	return t, nil
}

// twoDigitYear checks that a year has a two-digit form under the pivot.
func twoDigitYear(what string, t time.Time) (int, error) {
	y := t.Year()
	if y < 1900+pivot || y >= 2000+pivot {
		return 0, fmt.Errorf("udi: %s year %d has no two-digit form (%d to %d)", what, y, 1900+pivot, 1999+pivot)
	}
	return y % 100, nil
}
