package org.hmmlab.kernel;

import java.util.ArrayList;
import java.util.List;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/** Reads the code cells of a notebook file (nbformat 4), for {@code %load notebook.ipynb}. */
final class NotebookCells {

    private NotebookCells() {
    }

    /** The sources of the code cells, in order. */
    static List<String> codeCells(String ipynbJson) {
        JsonObject nb = JsonParser.parseString(ipynbJson).getAsJsonObject();
        List<String> out = new ArrayList<>();
        for (JsonElement c : nb.getAsJsonArray("cells")) {
            JsonObject cell = c.getAsJsonObject();
            if (!"code".equals(cell.get("cell_type").getAsString())) {
                continue;
            }
            JsonElement source = cell.get("source");
            if (source.isJsonArray()) {
                StringBuilder sb = new StringBuilder();
                for (JsonElement line : (JsonArray) source) {
                    sb.append(line.getAsString());
                }
                out.add(sb.toString());
            } else {
                out.add(source.getAsString());
            }
        }
        return out;
    }
}
