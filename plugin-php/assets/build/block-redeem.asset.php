<?php return array( 'dependencies' => array( 'wc-blocks-checkout', 'wp-element', 'wp-i18n', 'wp-plugins' ), 'version' => 'ed5ac0939165a810baf7' );
