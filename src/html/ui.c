/*
 * ui: the theme-neutral part of the component layer. The markup itself lives in the theme's
 * templates (the .tpl files of html/theme, GOV.UK Frontend); what is here does not depend on any theme.
 */
#include "html/ui.h"

#include <string.h>

void ui_errors_add(struct ui_errors *e, const char *field, const char *message)
{
    /* Past the capacity the first errors are kept: a form shows at most that many anyway. */
    if (e->n < sizeof(e->items) / sizeof(e->items[0]))
        e->items[e->n++] = (struct ui_error){field, message};
}

const char *ui_errors_for(const struct ui_errors *e, const char *field)
{
    for (size_t i = 0; i < e->n; i++)
        if (e->items[i].field && field && strcmp(e->items[i].field, field) == 0)
            return e->items[i].message;
    return NULL;
}
