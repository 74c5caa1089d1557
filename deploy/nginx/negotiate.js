// Content negotiation for policykg's resource IRIs in nginx (njs), the same as `policykg serve` answers
// (src/policykg/serve/negotiation.py, which uses Werkzeug's MIMEAccept; RFC 9110 section 12.5.1):
//
// - every media range of the Accept header with its q-value; an invalid q (not a number, above 1, below 0)
//   drops the range, q=0 excludes what the range names;
// - for each offer, the most specific range that matches it decides its quality (`text/html;q=0, */*`
//   excludes HTML although `*/*` accepts everything);
// - the offer with the highest quality wins; on equal quality the one matched by the more specific range,
//   then the earlier offer;
// - no Accept header (or an empty one) accepts anything.
//
// policykg.conf calls `negotiated` through `js_set`: it gives the path to answer 303 See Other with, or ""
// when the client accepts none of the offers (406).
//
// Written for njs 0.7 (Debian 12's libnginx-mod-http-js) and later: plain ES5 functions and `var`.

// What a resource IRI under /id/ offers, the page first (a browser's */* gets HTML).
var PAGE_OFFERS = [
    'text/html',
    'text/turtle',
    'application/ld+json',
    'application/rdf+xml',
    'application/n-triples',
    'application/n-quads',
    'application/trig',
    // other names clients give the same syntaxes
    'text/n3',
    'application/x-turtle',
    'text/plain',
    'application/json',
    'application/xml',
    'text/xml',
];

// What the ontology IRI /def offers: RDF/XML first, as the W3C recipes for publishing vocabularies do
// (https://www.w3.org/TR/swbp-vocab-pub/#recipe3), so a client that accepts anything gets /def.rdf.
var VOCABULARY_OFFERS = ['application/rdf+xml'].concat(
    PAGE_OFFERS.filter(function (media) {
        return media !== 'application/rdf+xml';
    })
);

// The file of a resource in each syntax: /id/law/dsa answers 303 to /id/law/dsa.ttl for Turtle.
var EXTENSIONS = {
    'text/html': '.html',
    'text/turtle': '.ttl',
    'application/ld+json': '.jsonld',
    'application/rdf+xml': '.rdf',
    'application/n-triples': '.nt',
    'application/n-quads': '.nq',
    'application/trig': '.trig',
    'text/n3': '.ttl',
    'application/x-turtle': '.ttl',
    'text/plain': '.nt',
    'application/json': '.jsonld',
    'application/xml': '.rdf',
    'text/xml': '.rdf',
};

var KEY = /^([A-Za-z0-9_!#$%&'*+.^`|~-]+)=/;
var TOKEN = /^[A-Za-z0-9_!#$%&'*+.^`|~-]+/;
var TOKEN_ONLY = /^[A-Za-z0-9_!#$%&'*+.^`|~-]+$/;
var QVALUE = /^-?[0-9]+(\.[0-9]+)?$/;
var PARTS = /\/|[ \t]*;[ \t]*/;

function strip(text) {
    return text.replace(/^[ \t]+|[ \t]+$/g, '');
}

function unquote(text) {
    if (text.length >= 2 && text.charAt(0) === '"' && text.charAt(text.length - 1) === '"') {
        return text.slice(1, -1).replace(/\\(.)/g, '$1');
    }
    return text;
}

function quote(text) {
    if (text === '') {
        return '""';
    }
    if (TOKEN_ONLY.test(text)) {
        return text;
    }
    return '"' + text.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
}

// The comma-separated items of a header, commas inside quoted strings kept; none if a quote is open.
function items(header) {
    var result = [];
    var item = '';
    var escaped = false;
    var quoted = false;
    for (var i = 0; i < header.length; i++) {
        var c = header.charAt(i);
        if (escaped) {
            escaped = false;
        } else if (quoted) {
            if (c === '\\') {
                escaped = true;
            } else if (c === '"') {
                quoted = false;
            }
        } else if (c === ',') {
            result.push(item);
            item = '';
            continue;
        } else if (c === '"') {
            quoted = true;
        }
        item += c;
    }
    if (quoted) {
        return [];
    }
    result.push(item);
    return result
        .map(strip)
        .filter(function (text) {
            return text !== '';
        })
        .map(unquote);
}

// A media range and its parameters, in order, as [name, value] pairs: `name=token` or `name="quoted"`,
// malformed ones skipped, a repeated name keeping its first place and its last value.
function parameters(item) {
    var semicolon = item.indexOf(';');
    var range = strip(semicolon < 0 ? item : item.slice(0, semicolon));
    var rest = strip(semicolon < 0 ? '' : item.slice(semicolon + 1));
    var pairs = [];
    if (!range || !rest) {
        return {range: range, pairs: pairs};
    }
    var at = 0;
    while (at < rest.length) {
        var key = KEY.exec(rest.slice(at));
        if (key) {
            at += key[0].length;
            var token = TOKEN.exec(rest.slice(at));
            var value = null;
            if (token) {
                value = token[0];
            } else if (rest.charAt(at) === '"') {
                var end = at + 1;
                while (end < rest.length) {
                    if (rest.substr(end, 2) === '\\\\' || rest.substr(end, 2) === '\\"') {
                        end += 2;
                    } else if (rest.charAt(end) === '"') {
                        end += 1;
                        value = rest.slice(at, end);
                        at = end;
                        break;
                    } else {
                        end += 1;
                    }
                }
                if (value === null) {
                    break; // an unclosed quoted string ends the parameters
                }
            }
            if (value !== null) {
                set(pairs, key[1].toLowerCase(), unquote(value).replace(/%22/g, '"'));
            }
        }
        var next = rest.indexOf(';', at);
        if (next < 0) {
            break;
        }
        at = next + 1;
        while (rest.charAt(at) === ' ' || rest.charAt(at) === '\t') {
            at += 1;
        }
    }
    return {range: range, pairs: pairs};
}

function set(pairs, name, value) {
    for (var i = 0; i < pairs.length; i++) {
        if (pairs[i][0] === name) {
            pairs[i][1] = value;
            return;
        }
    }
    pairs.push([name, value]);
}

// How specific a media range is: type, subtype and each parameter, true unless a wildcard.
function specificity(range) {
    return range.split(PARTS).map(function (part) {
        return part !== '*' ? 1 : 0;
    });
}

// Tuples compared as Python compares them: element by element, a longer one after its prefix.
function compare(a, b) {
    for (var i = 0; i < a.length && i < b.length; i++) {
        if (a[i] !== b[i]) {
            return a[i] - b[i];
        }
    }
    return a.length - b.length;
}

// The ranges of an Accept header, most specific first, then highest q, then in the header's order.
function ranges(header) {
    if (!header || !header.trim()) {
        header = '*/*';
    }
    var parsed = [];
    items(header).forEach(function (item, index) {
        var found = parameters(item);
        var q = 1;
        var others = found.pairs.filter(function (pair) {
            return pair[0] !== 'q';
        });
        if (others.length < found.pairs.length) {
            var text = strip(found.pairs.filter(function (pair) {
                return pair[0] === 'q';
            })[0][1]);
            if (!QVALUE.test(text)) {
                return; // an invalid q drops the range
            }
            q = parseFloat(text);
            if (q < 0 || q > 1) {
                return;
            }
        }
        var range = [found.range]
            .concat(
                others.map(function (pair) {
                    return pair[0] + '=' + quote(pair[1]);
                })
            )
            .join('; ');
        parsed.push({range: range, q: q, specificity: specificity(range), index: index});
    });
    parsed.sort(function (a, b) {
        return compare(b.specificity, a.specificity) || b.q - a.q || a.index - b.index;
    });
    return parsed;
}

// Whether a client's media range names an offer: wildcards, else type, subtype and parameters equal.
function matches(offer, range) {
    if (range.indexOf('/') < 0) {
        return false;
    }
    var o = offer.toLowerCase().split(PARTS);
    var r = range.toLowerCase().split(PARTS);
    if (r[0] === '*' && r[1] !== '*') {
        return false;
    }
    if (r[0] === '*' && r[1] === '*') {
        return true;
    }
    if (r[0] !== o[0]) {
        return false;
    }
    if (r[1] === '*') {
        return true;
    }
    var rp = r.slice(2).sort().join(';');
    var op = o.slice(2).sort().join(';');
    return r[1] === o[1] && r.length === o.length && rp === op;
}

// The offer an Accept header prefers, or null when it accepts none of them.
function negotiate(header, offers) {
    var accepted = ranges(header);
    var best = null;
    var bestQ = -1;
    var bestSpecificity = [-1];
    offers.forEach(function (offer) {
        var match = null;
        for (var i = 0; i < accepted.length; i++) {
            if (matches(offer, accepted[i].range)) {
                match = accepted[i];
                break;
            }
        }
        if (match === null || match.q <= 0 || match.q < bestQ) {
            return;
        }
        if (match.q > bestQ || compare(match.specificity, bestSpecificity) > 0) {
            best = offer;
            bestQ = match.q;
            bestSpecificity = match.specificity;
        }
    });
    return best;
}

// js_set: the path a resource IRI answers 303 See Other with, or "" when no offer is acceptable.
function negotiated(r) {
    var offers = r.uri === '/def' ? VOCABULARY_OFFERS : PAGE_OFFERS;
    var media = negotiate(r.headersIn.Accept, offers);
    return media === null ? '' : r.uri + EXTENSIONS[media];
}

export default {negotiated: negotiated, negotiate: negotiate};
