%include "html/ui.h"
%include "assets.h"
% /*
%  * The page layout of the GOV.UK Frontend theme: the document, the header with Relais's own name
%  * (no crown, no GOV.UK mark), the service navigation, the main column and the footer. The
%  * navigation list is always visible and wraps on small screens; govuk-frontend's JavaScript only
%  * folds it behind a "Menu" button where modules run. No inline script or style: the CSP forbids it.
%  */

%% void ui_layout(struct buf *b, const struct ui_page *page, const char *content_html)
<!DOCTYPE html>
<html lang="{{ page->lang ? page->lang : "fr" }}" class="govuk-template">
<head>
<meta charset="utf-8">
% if (page->has_errors) {
<title>Erreur : {{ page->title }} – Relais</title>
% } else {
<title>{{ page->title }} – Relais</title>
% }
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="theme-color" content="#0b4f4a">
<link rel="icon" href="{{ asset_favicon }}" type="image/svg+xml">
<link rel="stylesheet" href="{{ asset_css }}">
<link rel="modulepreload" href="{{ asset_govuk_js }}">
<script type="module" src="{{ asset_js }}"></script>
</head>
<body class="govuk-template__body">
<a href="#contenu" class="govuk-skip-link" data-module="govuk-skip-link">Aller au contenu principal</a>
<header class="govuk-template__header">
<div class="govuk-generic-header relais-header">
<div class="govuk-generic-header__container govuk-width-container relais-header__container">
<div class="govuk-generic-header__logo relais-header__logo">
<a href="/" class="govuk-generic-header__homepage-link relais-header__name">
<svg class="relais-header__mark" width="28" height="28" viewBox="0 0 32 32" aria-hidden="true" focusable="false"><circle cx="8" cy="16" r="6" fill="none" stroke="currentColor" stroke-width="3"/><circle cx="24" cy="16" r="6" fill="currentColor"/><path d="M14 16h4" stroke="currentColor" stroke-width="3"/></svg>
Relais</a>
</div>
<div class="relais-header__account">
% if (page->viewer && page->viewer->display_name) {
<p class="relais-header__who"><span class="relais-header__viewer">{{ page->viewer->display_name }}</span>
%     if (page->viewer->role_label) {
<span class="relais-header__role">{{ page->viewer->role_label }}</span>
%     }
</p>
<form method="post" action="/deconnexion" class="relais-header__logout" novalidate>
% ui_csrf(b, page->viewer->csrf_token);
<button type="submit" class="relais-header__button">Se déconnecter</button>
</form>
% } else {
<a href="/connexion" class="relais-header__link">Se connecter</a>
% }
</div>
</div>
</div>
% if (page->n_nav) {
<div class="govuk-service-navigation" data-module="govuk-service-navigation">
<div class="govuk-width-container">
<div class="govuk-service-navigation__container">
<nav aria-label="Menu principal" class="govuk-service-navigation__wrapper">
%     /* One link needs no menu button on a phone; more fold behind it once JavaScript runs. */
%     if (page->n_nav > 1) {
<button type="button" class="govuk-service-navigation__toggle govuk-js-service-navigation-toggle" aria-controls="navigation" hidden aria-hidden="true">Menu</button>
%     }
<ul class="govuk-service-navigation__list" id="navigation">
%     for (size_t i = 0; i < page->n_nav; i++) {
%         const struct ui_nav_item *item = &page->nav[i];
%         if (item->current) {
<li class="govuk-service-navigation__item govuk-service-navigation__item--active"><a class="govuk-service-navigation__link" href="{{ item->href }}" aria-current="page"><strong class="govuk-service-navigation__active-fallback">{{ item->label }}</strong></a></li>
%         } else {
<li class="govuk-service-navigation__item"><a class="govuk-service-navigation__link" href="{{ item->href }}">{{ item->label }}</a></li>
%         }
%     }
</ul>
</nav>
</div>
</div>
</div>
% }
</header>
% if (page->demo) {
<div class="govuk-phase-banner govuk-width-container relais-demo">
<p class="govuk-phase-banner__content"><strong class="govuk-tag govuk-tag--yellow govuk-phase-banner__content__tag">démo</strong>
<span class="govuk-phase-banner__text">Instance de démonstration : les comptes, l'activité et les orientations sont inventés.</span></p>
</div>
% }
% if (page->wide) {
<div class="govuk-width-container relais-width-container--wide">
% } else {
<div class="govuk-width-container">
% }
<main class="govuk-main-wrapper" id="contenu">
% if (page->notice) {
<div class="govuk-notification-banner govuk-notification-banner--success" role="alert" aria-labelledby="notice-flash-title" data-module="govuk-notification-banner">
<div class="govuk-notification-banner__header"><h2 class="govuk-notification-banner__title" id="notice-flash-title">C'est fait</h2></div>
<div class="govuk-notification-banner__content"><p class="govuk-notification-banner__heading">{{ page->notice }}</p></div>
</div>
% }
{{{ html_safe_trusted(content_html) }}}
</main>
</div>
<footer class="govuk-template__footer">
<div class="govuk-footer">
<div class="govuk-width-container">
<div class="govuk-footer__meta">
<div class="govuk-footer__meta-item govuk-footer__meta-item--grow">
<h2 class="govuk-visually-hidden">Liens utiles</h2>
<ul class="govuk-footer__inline-list">
<li class="govuk-footer__inline-list-item"><a class="govuk-footer__link" href="/accessibilite">Accessibilité : partiellement conforme</a></li>
<li class="govuk-footer__inline-list-item"><a class="govuk-footer__link" href="/donnees-personnelles">Données personnelles</a></li>
<li class="govuk-footer__inline-list-item"><a class="govuk-footer__link" href="/api/v1/openapi.json">API</a></li>
</ul>
<div class="govuk-footer__meta-custom">
<p class="relais-footer__name">Relais — plateforme libre des réseaux de médiation numérique</p>
<p>Relais n'est pas un site officiel de l'État. Ce service est ouvert par le réseau de votre territoire (département, collectivité ou association), qui en est responsable.</p>
</div>
</div>
</div>
</div>
</div>
</footer>
</body>
</html>
