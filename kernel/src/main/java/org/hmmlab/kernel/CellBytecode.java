package org.hmmlab.kernel;

import java.util.HashSet;
import java.util.Set;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.ConstantDynamic;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Rewrites a class JShell compiled from a cell before the kernel's JVM loads it, so that no cell can end the kernel
 * and every loop in a cell can be stopped: the load-time half of {@link CellGuard}.
 *
 * <p>Why rewrite the cell's bytecode rather than run cells in a second JVM: the kernel renders what a cell returns
 * (charts, tables, progress bars that update in place) from the live objects, in the same JVM as the engine; a
 * remote JShell engine hands back strings only, so every renderer, {@code Notebook.display} and the cancellation
 * token would need a wire protocol, and an exit would still lose every variable of the remote JVM. JDK 25 has no
 * SecurityManager to veto {@code exit}. Rewriting costs a few microseconds per snippet, touches only code compiled
 * from cells (library code, the engine and the JDK run unchanged), and gives both halves of the job: a refusal at
 * the very call that would end the JVM, and a poll at each loop back-edge, the only way on JDK 20 and later to
 * stop a loop that ignores {@link Thread#interrupt()} ({@code Thread.stop} throws).
 *
 * <p>What it does to each method: a {@link CellGuard#poll()} at entry and before every backward jump or switch;
 * before a call to a refused member (see {@link #refusedCall}) or an {@code invokedynamic}/{@code ldc} whose
 * method handle names one, a call to {@link CellGuard#refuse(String)}, which throws; and {@code Method.invoke},
 * {@code Lookup.findStatic/findVirtual/findSpecial/unreflect} routed through {@link CellGuard}, which checks the
 * target at run time. Limits: code that does not come from a cell (a jar a cell loads, a class it defines from
 * bytes: {@code defineClass} is refused for that reason) and a process a cell starts that signals the kernel
 * ({@code kill -9}) are outside its reach.
 */
final class CellBytecode {

    private static final String GUARD = "org/hmmlab/kernel/CellGuard";
    private static final String METHOD = "java/lang/reflect/Method";
    private static final String LOOKUP = "java/lang/invoke/MethodHandles$Lookup";

    private CellBytecode() {
    }

    /**
     * The call a cell may not make, as the refusal names it, if {@code owner.name} (an internal class name and a
     * method name) is one; else {@code null}.
     */
    static String refusedCall(String owner, String name) {
        return switch (owner) {
            case "java/lang/System" -> switch (name) {
                case "exit" -> "System.exit";
                case "load", "loadLibrary" -> "System." + name + " (native code)";
                default -> null;
            };
            case "java/lang/Runtime" -> switch (name) {
                case "exit", "halt" -> "Runtime." + name;
                case "load", "loadLibrary" -> "Runtime." + name + " (native code)";
                default -> null;
            };
            case "sun/misc/Signal" -> name.equals("raise") ? "Signal.raise" : null;
            case "sun/misc/Unsafe", "jdk/internal/misc/Unsafe" -> "sun.misc.Unsafe." + name;
            case "java/lang/foreign/Linker" -> "the native linker (Linker." + name + ")";
            case "java/lang/foreign/SymbolLookup" -> name.equals("libraryLookup") ? "SymbolLookup.libraryLookup" : null;
            case "java/lang/foreign/MemorySegment" -> name.equals("reinterpret") ? "MemorySegment.reinterpret" : null;
            // Reached reflectively, these would route around the checks CellGuard makes on the calls it rewrites.
            case METHOD, LOOKUP -> "reflection on " + owner.substring(owner.lastIndexOf('/') + 1).replace('$', '.')
                    + "." + name;
            default -> switch (name) {
                // Classes defined from bytes would not pass through this rewriting.
                case "defineClass", "defineHiddenClass", "defineHiddenClassWithClassData" -> "defining a class from bytes ("
                        + name + ")";
                default -> null;
            };
        };
    }

    /** The class {@code bytes} with the guard's polls and refusals in; see the class comment. */
    static byte[] rewrite(byte[] bytes) {
        ClassReader reader = new ClassReader(bytes);
        ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                return new Guarded(super.visitMethod(access, name, descriptor, signature, exceptions));
            }
        }, 0);
        return writer.toByteArray();
    }

    /** One method's code with polls at entry and back-edges and the refused calls guarded. */
    private static final class Guarded extends MethodVisitor {
        private final Set<Label> seen = new HashSet<>();

        Guarded(MethodVisitor next) {
            super(Opcodes.ASM9, next);
        }

        @Override
        public void visitCode() {
            super.visitCode();
            poll();
        }

        @Override
        public void visitLabel(Label label) {
            seen.add(label);
            super.visitLabel(label);
        }

        @Override
        public void visitJumpInsn(int opcode, Label label) {
            if (seen.contains(label)) {
                poll();
            }
            super.visitJumpInsn(opcode, label);
        }

        @Override
        public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
            if (anySeen(dflt, labels)) {
                poll();
            }
            super.visitTableSwitchInsn(min, max, dflt, labels);
        }

        @Override
        public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
            if (anySeen(dflt, labels)) {
                poll();
            }
            super.visitLookupSwitchInsn(dflt, keys, labels);
        }

        @Override
        public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
            if (opcode == Opcodes.INVOKEVIRTUAL && owner.equals(METHOD) && name.equals("invoke")) {
                super.visitMethodInsn(Opcodes.INVOKESTATIC, GUARD, "invoke",
                        "(Ljava/lang/reflect/Method;Ljava/lang/Object;[Ljava/lang/Object;)Ljava/lang/Object;", false);
                return;
            }
            if (opcode == Opcodes.INVOKEVIRTUAL && owner.equals(LOOKUP)) {
                switch (name) {
                    case "findStatic", "findVirtual", "findSpecial", "unreflect" -> {
                        super.visitMethodInsn(Opcodes.INVOKESTATIC, GUARD, name,
                                "(L" + LOOKUP + ";" + descriptor.substring(1), false);
                        return;
                    }
                    default -> {
                    }
                }
            }
            String refused = owner.equals(LOOKUP) ? refusedLookup(name) : owner.equals(METHOD) ? null
                    : refusedCall(owner, name);
            if (refused != null) {
                refuse(refused);
            }
            super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
        }

        @Override
        public void visitInvokeDynamicInsn(String name, String descriptor, Handle bsm, Object... args) {
            for (Object arg : args) {
                String refused = refusedConstant(arg);
                if (refused != null) {
                    refuse(refused);
                    break;
                }
            }
            super.visitInvokeDynamicInsn(name, descriptor, bsm, args);
        }

        @Override
        public void visitLdcInsn(Object value) {
            String refused = refusedConstant(value);
            if (refused != null) {
                refuse(refused);
            }
            super.visitLdcInsn(value);
        }

        private void poll() {
            super.visitMethodInsn(Opcodes.INVOKESTATIC, GUARD, "poll", "()V", false);
        }

        private void refuse(String what) {
            super.visitLdcInsn(what);
            super.visitMethodInsn(Opcodes.INVOKESTATIC, GUARD, "refuse", "(Ljava/lang/String;)V", false);
        }

        private boolean anySeen(Label dflt, Label[] labels) {
            if (seen.contains(dflt)) {
                return true;
            }
            for (Label l : labels) {
                if (seen.contains(l)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** The other Lookup methods that hand out a method handle for a member without the checks above. */
    private static String refusedLookup(String name) {
        return switch (name) {
            case "unreflectSpecial", "defineClass", "defineHiddenClass", "defineHiddenClassWithClassData" ->
                    "MethodHandles.Lookup." + name;
            default -> null;
        };
    }

    /** The refused member a method handle constant (a method reference, an {@code ldc}) names, if any. */
    private static String refusedConstant(Object constant) {
        if (constant instanceof Handle h) {
            return refusedCall(h.getOwner(), h.getName());
        }
        if (constant instanceof ConstantDynamic cd) {
            for (int i = 0; i < cd.getBootstrapMethodArgumentCount(); i++) {
                String refused = refusedConstant(cd.getBootstrapMethodArgument(i));
                if (refused != null) {
                    return refused;
                }
            }
        }
        return null;
    }
}
