<?php
/**
 * E-mail: points expiring soon.
 *
 * @package Vafa
 */

namespace Vafa\Emails;

defined( 'ABSPATH' ) || exit;

/**
 * Sent for points.expiring: how many points lapse and when.
 */
class PointsExpiring extends Email {
	const EVENT = 'points.expiring';

	/**
	 * Constructor.
	 */
	public function __construct() {
		$this->id          = 'vafa_points_expiring';
		$this->title       = __( 'Vafa: points expiring soon', 'vafa' );
		$this->description = __( 'Sent to customers some days before their points expire (the reminder days are set on the Vafa bonuses page).', 'vafa' );
		parent::__construct();
	}

	/**
	 * Only when points lapse.
	 *
	 * @param array<string,mixed> $event The event.
	 */
	protected function accepts( array $event ): bool {
		return (int) ( $event['data']['points'] ?? 0 ) > 0;
	}

	/**
	 * Default subject.
	 */
	public function get_default_subject() {
		return __( '{points} of your points at {site_title} expire soon', 'vafa' );
	}

	/**
	 * Default heading.
	 */
	public function get_default_heading() {
		return __( 'Your points expire soon', 'vafa' );
	}

	/**
	 * Template variables.
	 *
	 * @return array<string,mixed>
	 */
	protected function template_args(): array {
		return array( 'expires' => $this->date( $this->data()['expires_at'] ?? '' ) );
	}
}
