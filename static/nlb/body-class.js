// GOV.UK Frontend's body classes, set before the page paints (a file, not inline: the CSP forbids
// inline script).
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '')
