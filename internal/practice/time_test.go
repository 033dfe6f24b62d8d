package practice_test

import "time"

var fixedTime = time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
