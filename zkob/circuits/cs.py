"""The constraint builder: variables, linear combinations, alloc, enforce, namespaces.

A circuit is ordinary Python that calls this builder; the same code runs in
two modes (STYLE.md rule 4):

* **setup** (``ConstraintSystem()``): records constraints, never calls a
  witness function. The R1CS it yields depends on the parameters only.
* **prove** (``ConstraintSystem(prove=True)``): also calls each
  ``alloc``'s value function as it goes, so every witness value is computed
  beside the constraint that checks it. ``overrides={name: value}`` replaces
  the value of a named allocation (its dependants are then computed from
  it): the tool of soundness tests (STYLE.md rule 8). ``record=False``
  computes the witness and checks each constraint as it goes without
  keeping the constraints (less memory for large circuits).

Values are linear combinations (``LC``): sparse ``{wire: coeff}`` with wire
0 the constant one. ``+``, ``-`` and ``* int`` fold into an LC for free;
``LC * LC`` is refused: a product allocates a wire and a constraint
(``cs.mul``). Wire order follows R1CS / iden3: 0 = one, then the public
inputs (all declared with ``public`` before any ``alloc``), then private.

Every allocation and constraint is named ``namespace/.../name``
(``op[3]/fill/cross/bit[63]``); names of allocations are unique so a test
can address a wire by name. ``namespace(name, kind=...)`` also tags the
constraints created inside with a gadget kind ("poseidon", "merkle",
"bits", ...) for the cost report; the innermost tag wins.

A gadget is a function ``(cs, *vars, **params) -> LC | list[LC]``; an
``assert_*`` gadget returns nothing. Example::

    def is_zero(cs, x):
        out = cs.alloc("out", lambda: int(cs.value(x) == 0))
        inv = cs.alloc("inv", lambda: 0 if cs.value(x) == 0 else field.inv(cs.value(x)))
        cs.enforce(x, inv, 1 - out, "inv")
        cs.enforce(x, out, 0, "out")
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Union

from ..zk.field import R
from ..zk.r1cs import R1CS, Constraint


class LC:
    """A linear combination sum(coeff * wire) mod r; wire 0 is the constant 1."""

    __slots__ = ("terms",)

    def __init__(self, terms: dict[int, int] | None = None):
        self.terms = terms if terms is not None else {}

    @staticmethod
    def const(value: int) -> "LC":
        value %= R
        return LC({0: value} if value else {})

    def _combine(self, other: "Operand", sign: int) -> "LC":
        other = as_lc(other)
        out = dict(self.terms)
        for wire, coeff in other.terms.items():
            v = (out.get(wire, 0) + sign * coeff) % R
            if v:
                out[wire] = v
            else:
                out.pop(wire, None)
        return LC(out)

    def __add__(self, other: "Operand") -> "LC":
        return self._combine(other, 1)

    __radd__ = __add__

    def __sub__(self, other: "Operand") -> "LC":
        return self._combine(other, -1)

    def __rsub__(self, other: "Operand") -> "LC":
        return as_lc(other)._combine(self, -1)

    def __neg__(self) -> "LC":
        return LC({w: (-c) % R for w, c in self.terms.items()})

    def __mul__(self, k: int) -> "LC":
        if isinstance(k, LC):
            raise TypeError("LC * LC is not linear: use cs.mul or cs.enforce")
        k %= R
        if not k:
            return LC()
        return LC({w: c * k % R for w, c in self.terms.items()})

    __rmul__ = __mul__

    def constant_value(self) -> int | None:
        """The value when this LC has no wire other than 0, else None."""
        if all(w == 0 for w in self.terms):
            return self.terms.get(0, 0)
        return None

    def __repr__(self) -> str:
        return f"LC({self.terms})"


Operand = Union[LC, int]
#: computes a wire's value in prove mode; its arguments, if any, have defaults (``lambda i=i: ...``)
WitnessFn = Callable[..., int]


def as_lc(x: Operand) -> LC:
    """An int becomes a constant LC; an LC is returned as is."""
    if isinstance(x, LC):
        return x
    if isinstance(x, bool) or not isinstance(x, int):
        raise TypeError(f"expected an LC or an int, got {type(x).__name__}")
    return LC.const(x)


def linear_sum(pairs: list[tuple[int, LC]]) -> LC:
    """sum(k * lc) in one pass (cheaper than chained + for long sums, e.g. Poseidon's MDS)."""
    out: dict[int, int] = {}
    for k, lc in pairs:
        for wire, coeff in lc.terms.items():
            out[wire] = out.get(wire, 0) + k * coeff
    return LC({w: c % R for w, c in out.items() if c % R})


class StopAtFailure(Exception):
    """Raised by ``enforce`` in a ``stop_at_failure`` run at the first failing constraint."""


class ConstraintSystem:
    """Builds an R1CS and, in prove mode, its witness, from one circuit code path.

    ``stop_at_failure`` (prove mode) raises StopAtFailure at the first
    failing constraint: a soundness test needs no more of the witness than
    the wires that constraint and the ones before it read.
    """

    def __init__(self, prove: bool = False, overrides: Mapping[str, int] | None = None,
                 record: bool = True, stop_at_failure: bool = False):
        self.proving = prove
        self.stop_at_failure = stop_at_failure
        self.record = record or not prove
        self.overrides = dict(overrides or {})
        self.values: list[int] = [1]
        self.names: list[str] = ["one"]
        self.index: dict[str, int] = {"one": 0}
        self.n_public = 0
        self.constraints: list[Constraint] = []
        self.n_constraints = 0
        self.kinds: Counter[str] = Counter()
        self.first_failure: tuple[int, str] | None = None
        self._cache: dict[int, tuple[LC, int]] = {}
        self._path: list[str] = []
        self._kind: list[str] = ["rule"]

    # -- naming -------------------------------------------------------------
    @contextmanager
    def namespace(self, name: str, kind: str | None = None) -> Iterator[None]:
        """Prefix names inside with ``name/``; optionally tag constraints with a gadget kind."""
        self._path.append(name)
        if kind:
            self._kind.append(kind)
        try:
            yield
        finally:
            self._path.pop()
            if kind:
                self._kind.pop()

    def _full(self, name: str) -> str:
        return "/".join([*self._path, name]) if self._path else name

    # -- variables ----------------------------------------------------------
    def _new_wire(self, name: str, value_fn: "WitnessFn | None") -> LC:
        full = self._full(name)
        if full in self.index:
            raise ValueError(f"wire name {full!r} is used twice")
        wire = len(self.names)
        self.names.append(full)
        self.index[full] = wire
        if self.proving:
            if full in self.overrides:
                value = self.overrides[full]
            else:
                if value_fn is None:
                    raise ValueError(f"{full}: no witness function in prove mode")
                value = value_fn()
            self.values.append(int(value) % R)
        return LC({wire: 1})

    def public(self, name: str, value_fn: "WitnessFn | None" = None) -> LC:
        """A public input wire; all must be declared before the first ``alloc``."""
        if len(self.names) != 1 + self.n_public:
            raise ValueError("public inputs must be declared before private wires")
        self.n_public += 1
        return self._new_wire(name, value_fn)

    def alloc(self, name: str, value_fn: "WitnessFn | None" = None) -> LC:
        """A private wire named ``name``; ``value_fn`` is called in prove mode only.

        The wire is unconstrained until a gadget constrains it.
        """
        return self._new_wire(name, value_fn)

    def value(self, x: Operand) -> int:
        """The value of an LC (prove mode only; witness functions call it)."""
        if not self.proving:
            raise RuntimeError("witness values are not available in setup mode")
        if isinstance(x, int):
            return x % R
        terms = x.terms
        if len(terms) <= 4:
            vals = self.values
            acc = 0
            for w, c in terms.items():
                acc += c * vals[w]
            return acc % R
        hit = self._cache.get(id(x))  # dense LCs (Poseidon states) are read several times
        if hit is not None and hit[0] is x:
            return hit[1]
        vals = self.values
        value = sum(c * vals[w] for w, c in terms.items()) % R
        if len(self._cache) > 64:
            self._cache.clear()
        self._cache[id(x)] = (x, value)
        return value

    # -- constraints --------------------------------------------------------
    def enforce(self, a: Operand, b: Operand, c: Operand, label: str) -> None:
        """Add <a> * <b> = <c>, labelled ``namespace/label``; in prove mode note the first failure."""
        a, b, c = as_lc(a), as_lc(b), as_lc(c)
        if self.record:
            self.constraints.append(Constraint(a.terms, b.terms, c.terms, self._full(label)))
        self.kinds[self._kind[-1]] += 1
        self.n_constraints += 1
        if self.proving and self.first_failure is None:
            if self.value(a) * self.value(b) % R != self.value(c):
                self.first_failure = (self.n_constraints - 1, self._full(label))
                if self.stop_at_failure:
                    raise StopAtFailure(self.first_failure[1])

    def mul(self, a: Operand, b: Operand, name: str) -> LC:
        """A new wire equal to a * b. Costs 1 constraint."""
        out = self.alloc(name, lambda: self.value(a) * self.value(b))
        self.enforce(a, b, out, name)
        return out

    # -- results ------------------------------------------------------------
    @property
    def n_wires(self) -> int:
        return len(self.names)

    def r1cs(self) -> R1CS:
        if not self.record:
            raise RuntimeError("constraints were not recorded (record=False)")
        return R1CS(self.n_wires, self.n_public, list(self.constraints))

    def witness(self) -> list[int]:
        if not self.proving:
            raise RuntimeError("no witness in setup mode")
        return list(self.values)

    def wire(self, name: str) -> int:
        """The wire index of a named allocation."""
        return self.index[name]
