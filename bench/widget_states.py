"""A widget's value as Streamlit's protocol carries it (`WidgetState`): what a browser holds for each widget after
the server drew it, and what it sends when a student sets one (bench/ws_students.py)."""

from __future__ import annotations

from typing import Any

from streamlit.proto.WidgetStates_pb2 import WidgetState

# Elements that keep a value between runs (sent with every rerun), and one-off triggers (sent once, when used).
VALUED = {
    "text_area", "text_input", "checkbox", "slider", "selectbox", "radio", "multiselect", "button_group",
    "number_input", "color_picker",
}  # fmt: skip
TRIGGERS = {"button", "download_button", "chat_input"}


def user_key(widget_id: str) -> str | None:
    """The key a widget was given in the app (`$$ID-<hash>-<key>`), None for a widget without one."""
    parts = widget_id.split("-", 2)
    if len(parts) < 3 or parts[0] != "$$ID" or parts[2] == "None":
        return None
    return parts[2]


def widget_label(kind: str, proto: Any) -> str:
    return (getattr(proto, "placeholder", "") if kind == "chat_input" else getattr(proto, "label", "")) or ""


def value_state(kind: str, w: Any, previous: WidgetState | None) -> WidgetState | None:
    """The value a browser holds for widget `w` after the server drew it: what the server set (`set_value`),
    else what the browser already held, else the widget's default. None: no value to send."""
    if kind not in VALUED:
        return None
    if previous is not None and not getattr(w, "set_value", False):
        return previous
    ws = WidgetState(id=w.id)
    if kind in ("text_area", "text_input"):
        if w.set_value and w.HasField("value"):
            ws.string_value = w.value
        elif not w.set_value and w.HasField("default"):
            ws.string_value = w.default
        else:
            return None
    elif kind == "color_picker":
        ws.string_value = w.value if w.set_value else w.default
    elif kind == "checkbox":
        ws.bool_value = w.value if w.set_value else w.default
    elif kind == "slider":
        if w.options:  # a select_slider: the formatted options
            chosen = list(w.raw_value) if w.set_value else [w.options[int(i)] for i in w.default]
            ws.string_array_value.data[:] = chosen
        else:
            ws.double_array_value.data[:] = list(w.value) if w.set_value else list(w.default)
    elif kind in ("selectbox", "radio"):
        if w.set_value:
            if not w.HasField("raw_value"):
                return None
            ws.string_value = w.raw_value
        elif w.HasField("default") and 0 <= w.default < len(w.options):
            ws.string_value = w.options[w.default]
        else:
            return None
    elif kind == "multiselect":
        ws.string_array_value.data[:] = list(w.raw_values) if w.set_value else [w.options[i] for i in w.default]
    elif kind == "button_group":
        chosen = list(w.raw_values) if w.set_value else [w.options[i].content for i in w.default]
        ws.string_array_value.data[:] = chosen
    elif kind == "number_input":
        if w.set_value and w.HasField("value"):
            number = w.value
        elif not w.set_value and w.HasField("default"):
            number = w.default
        else:
            return None
        if w.data_type == w.INT:
            ws.int_value = int(number)
        else:
            ws.double_value = number
    return ws


def current_value(kind: str, state: WidgetState | None) -> Any:
    if state is None:
        return None
    field_name = state.WhichOneof("value")
    if field_name in ("double_array_value", "string_array_value", "int_array_value"):
        return list(getattr(state, field_name).data)
    return getattr(state, field_name) if field_name else None


def set_state(kind: str, widget_id: str, value: Any) -> WidgetState:
    """A widget's new value as its WidgetState."""
    ws = WidgetState(id=widget_id)
    if kind in ("text_area", "text_input", "selectbox", "radio", "color_picker"):
        ws.string_value = str(value)
    elif kind == "checkbox":
        ws.bool_value = bool(value)
    elif kind == "slider" and value and isinstance(value[0], str):
        ws.string_array_value.data[:] = value
    elif kind == "slider":
        ws.double_array_value.data[:] = [float(v) for v in value]
    elif kind in ("multiselect", "button_group"):
        ws.string_array_value.data[:] = list(value)
    elif kind == "number_input":
        ws.double_value = float(value)
    elif kind == "chat_input":
        ws.chat_input_value.data = str(value)
    else:
        raise ValueError(f"cannot set a {kind}")
    return ws
