# hostile records for tests/cli/8700-pipe-speed.t, written raw (json.dumps
# would neither repeat a key nor escape one)
import sys

def rec(pairs):
    return '{' + ','.join('"%s":%s' % kv for kv in pairs) + '}'

def fill(n, at):
    """n members f00.. with the keys in `at` (position: key) put in"""
    return [(at.get(i, 'f%02d' % i if i else 'id'), '"v%d"' % i) for i in range(n)]

what = sys.argv[1]
if what == 'dups':
    # two keys repeated, interleaved: "zz" at 4 and 11, "b" at 9 and 17
    at = {4: 'zz', 11: 'zz', 9: 'b', 17: 'b'}
    print(rec(fill(23, at)))
    print(rec(fill(30, at)))
    # escaped twins: the decoded keys are what count
    print(rec(fill(10, {3: 'category', 8: 'c\\u0061tegory'})))
    print(rec(fill(30, {3: 'category', 27: 'c\\u0061tegory'})))
    # the empty key, twice; then once
    print(rec(fill(26, {2: '', 20: ''})))
    print(rec(fill(26, {2: ''})))
    # 300 members, the last a repeat of the 151st; then none repeated
    print(rec(fill(300, {299: 'f150'})))
    print(rec(fill(300, {})))
elif what == 'alike':
    # keys the same length with the same first, middle and last bytes,
    # differing elsewhere: none repeated
    keys = ['k%sm%sz' % (a, b) for a in 'abcdefg' for b in '0123456']
    print(rec([('id', '"A1"')] + [(k, str(i)) for i, k in enumerate(keys)] +
              [('received_at', '"2025-03-01T10:00:00Z"'), ('category', '"quote_request"')]))
    print(rec([('id', '"A2"')] + [(k, str(i)) for i, k in enumerate(keys[:20])] +
              [('received_at', '"2025-03-01T10:00:00Z"'), ('category', '"support"')]))
elif what == 'long':
    # the wanted members after a 1 MB string, one with escapes in it
    body = ('x' * 1000 + '\\"\\\\\\u00e9') * 1000
    print(rec([('id', '"L1"'), ('body', '"%s"' % body),
               ('received_at', '"2025-03-01T10:00:00Z"'), ('category', '"quote_request"')]))
    print(rec([('id', '"L2"'), ('body', '"%s"' % ('y' * 1048576)),
               ('c\\u0061tegory', '"quote_request"'), ('received_at', '"2025-03-02T23:30:00Z"')]))
elif what == 'many':
    # enough records to fill a widened pipe several times over
    for i in range(6000):
        print(rec([('id', '"M%d"' % i), ('body', '"%s"' % ('z' * (i % 700))),
                   ('received_at', '"2025-%02d-%02dT%02d:%02d:00Z"' % (i % 12 + 1, i % 28 + 1, i % 24, i % 60)),
                   ('category', '"quote_request"' if i % 3 else '"support"'),
                   ('value', str(i % 500) + '.25')]))
