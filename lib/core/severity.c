/* severity.c - exc-flag's severities, least severe first; a record's
 * priorities, least urgent first.  MIT licence. */
#include <string.h>

#include "severity.h"

const char *const op_severities[] = { "low", "medium", "high", "critical", NULL };
const char *const op_priorities[] = { "low", "normal", "high", "urgent", NULL };

int op_severity(const char *s)
{
	for (int i = 0; op_severities[i]; i++)
		if (!strcmp(s, op_severities[i]))
			return i;
	return -1;
}
