/*
 * mail: sends a plain-text French e-mail through the SMTP server of the configuration (libcurl),
 * and builds the absolute links that e-mails and the command line print.
 */
#ifndef RELAIS_CORE_MAIL_H
#define RELAIS_CORE_MAIL_H

struct arena;
struct config;

/* 0 when sent; ERR_UNSUPPORTED when no SMTP server is configured; ERR_IO when sending failed. */
int mail_send(const struct config *cfg, const char *to, const char *subject, const char *body);
/* base URL + path + token (arena). Without a base URL, http://BIND:PORT. */
const char *mail_link(const struct config *cfg, struct arena *a, const char *path,
                      const char *token);

#endif
