"""Pure logic: no I/O, no pygls, no git. Everything here is testable on plain values."""
