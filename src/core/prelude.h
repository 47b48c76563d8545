/*
 * prelude: force-included first in every project file by the Makefile. It pulls in the C library
 * headers that declare the banned functions, then banned.h, so that any later use of them is a
 * compile error while the system's own declarations stay intact.
 */
#ifndef RELAIS_CORE_PRELUDE_H
#define RELAIS_CORE_PRELUDE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/banned.h"

#endif
