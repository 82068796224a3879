"""Information requests that reach the council by any channel (FOI, EIR, subject access,
complaints), handed on at once and run against their statutory clocks."""
