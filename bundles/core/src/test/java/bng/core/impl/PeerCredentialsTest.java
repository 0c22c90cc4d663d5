package bng.core.impl;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PeerCredentialsTest {
    @TempDir
    Path tmp;

    @Test
    void rootAndBngsOwnUserAlwaysOthersOnlyThroughTheControlGroup() throws Exception {
        Path groups = tmp.resolve("group");
        Files.writeString(groups, "root:x:0:\nadm:x:4:alice,bob\nbngadmin:x:990:carol\n");
        assertTrue(PeerCredentials.allowed("root", "root", null, "root", groups));
        assertTrue(PeerCredentials.allowed("bng", "bng", null, "bng", groups), "the user bng runs as");
        assertFalse(PeerCredentials.allowed("alice", "alice", null, "root", groups), "no group: root only");
        assertFalse(PeerCredentials.allowed("4243", "4243", null, "root", groups));
        assertTrue(PeerCredentials.allowed("dave", "bngadmin", "bngadmin", "root", groups), "primary group");
        assertTrue(PeerCredentials.allowed("carol", "carol", "bngadmin", "root", groups), "listed member");
        assertFalse(PeerCredentials.allowed("alice", "alice", "bngadmin", "root", groups), "member of another group");
        assertFalse(PeerCredentials.allowed("car", "car", "bngadmin", "root", groups), "names match whole");
        assertFalse(PeerCredentials.allowed("carol", "carol", "bngadmin", "root", tmp.resolve("missing")), "no group file: no members");
    }
}
