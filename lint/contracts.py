"""An import-linter contract: features meet only through each other's `models` and `service`.

A feature's views, forms, commands and inner modules are its own business. Another
feature may use its models (for foreign keys and relationships) and its service (the
operations it offers), so that a change inside one feature cannot break another
(README, "How the code is laid out").
"""

from __future__ import annotations

from grimp import ImportGraph
from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck


class FeatureRoomsContract(Contract):
    """Options: `features` (the feature packages) and `public_rooms` (their modules that
    other features may import, by default `models` and `service`)."""

    type_name = "feature_rooms"

    features = fields.ListField(subfield=fields.StringField())
    public_rooms = fields.ListField(
        subfield=fields.StringField(), required=False, default=["models", "service"]
    )

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        features = [str(name) for name in self.features]  # type: ignore[attr-defined]
        rooms = {str(name) for name in self.public_rooms}  # type: ignore[attr-defined]
        broken = []
        for importer_feature in features:
            for importer in sorted(graph.find_descendants(importer_feature) | {importer_feature}):
                for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                    owner = next((f for f in features if imported == f or imported.startswith(f + ".")), None)
                    if owner is None or owner == importer_feature:
                        continue
                    room = imported[len(owner) + 1 :].split(".")[0]
                    if room not in rooms:
                        details = graph.get_import_details(importer=importer, imported=imported)
                        lines = sorted({d["line_number"] for d in details})
                        broken.append({"importer": importer, "imported": imported, "lines": lines})
        return ContractCheck(kept=not broken, warnings=[], metadata={"broken": broken})

    def render_broken_contract(self, check: ContractCheck) -> None:
        rooms = ", ".join(str(name) for name in self.public_rooms)  # type: ignore[attr-defined]
        for item in check.metadata["broken"]:
            lines = ", ".join(f"l.{n}" for n in item["lines"])
            output.print_error(
                f"{item['importer']} imports {item['imported']} ({lines}): another feature's {rooms} only",
                bold=False,
            )
        output.new_line()
